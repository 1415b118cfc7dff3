package io.anomstack.modelstore.support;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The model store's HTTP API as a trainer or scorer calls it. */
public final class ModelStoreClient {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final RunningService service;

    public ModelStoreClient(RunningService service) {
        this.service = service;
    }

    public RunningService service() {
        return service;
    }

    public static String path(String batch, String metric, String tag, String rest) {
        return "/api/v1/models/" + batch + "/" + metric + rest + (tag == null ? "" : (rest.contains("?") ? "&" : "?") + "tag=" + tag);
    }

    public HttpResponse<String> uploadRaw(String batch, String metric, String tag, byte[] model, String metadataJson) {
        HttpRequest.Builder request = HttpRequest.newBuilder(service.uri(path(batch, metric, tag, "")))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(model));
        if (metadataJson != null) {
            request.header("X-Model-Metadata", metadataJson);
        }
        return service.send(request);
    }

    /** A multipart form: metadata before or after the file part. */
    public HttpResponse<String> uploadForm(String batch, String metric, String tag, String fileName, byte[] model,
                                           String metadataJson, boolean metadataFirst) {
        String boundary = "----modelstore" + UUID.randomUUID();
        byte[] metadataPart = metadataJson == null ? new byte[0] : ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + metadataJson + "\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] fileHead = ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] fileTail = "\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] end = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher body = metadataFirst
                ? HttpRequest.BodyPublishers.concat(bytes(metadataPart), bytes(fileHead), bytes(model), bytes(fileTail), bytes(end))
                : HttpRequest.BodyPublishers.concat(bytes(fileHead), bytes(model), bytes(fileTail), bytes(metadataPart), bytes(end));
        return service.send(HttpRequest.newBuilder(service.uri(path(batch, metric, tag, "")))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(body));
    }

    public HttpResponse<byte[]> download(String path) {
        return service.send(HttpRequest.newBuilder(service.uri(path)).GET(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<String> get(String path) {
        return service.get(path);
    }

    public HttpResponse<String> delete(String path) {
        return service.send(HttpRequest.newBuilder(service.uri(path)).DELETE());
    }

    public JsonNode getJson(String path) {
        return json(get(path).body());
    }

    public static JsonNode json(String body) {
        return JSON.readTree(body);
    }

    public URI uri(String path) {
        return service.uri(path);
    }

    private static HttpRequest.BodyPublisher bytes(byte[] bytes) {
        return HttpRequest.BodyPublishers.ofByteArray(bytes);
    }
}
