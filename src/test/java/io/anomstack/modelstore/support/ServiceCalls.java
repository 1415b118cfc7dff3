package io.anomstack.modelstore.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The calls a trainer or scorer makes, over plain HTTP/1.1 to a service wherever it runs (in this JVM or its own). */
public final class ServiceCalls {

    /** A download read to its end: status, headers, byte count and SHA-256 (hex) of what arrived. */
    public record Download(int status, HttpHeaders headers, long bytes, String sha256) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;

    public ServiceCalls(URI base) {
        this.base = base;
    }

    public URI uri(String path) {
        return base.resolve(path);
    }

    /** A raw upload whose body is generated while it is sent (chunked: no Content-Length). */
    public HttpResponse<String> upload(String path, GeneratedBody body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
                .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(1)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).DELETE().timeout(Duration.ofMinutes(1)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The status an upload's client got, or -1 when its connection broke before an answer. */
    public static int statusOrBroken(Future<HttpResponse<String>> answer) throws InterruptedException, TimeoutException {
        try {
            return answer.get(1, TimeUnit.MINUTES).statusCode();
        } catch (ExecutionException e) {
            return -1;
        }
    }

    /** Downloads and hashes a model without keeping it. */
    public Download download(String path) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
        long count;
        try (InputStream body = new DigestInputStream(response.body(), sha256)) {
            count = body.transferTo(OutputStream.nullOutputStream());
        }
        return new Download(response.statusCode(), response.headers(), count, HexFormat.of().formatHex(sha256.digest()));
    }
}
