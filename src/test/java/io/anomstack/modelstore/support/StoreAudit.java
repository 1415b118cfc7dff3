package io.anomstack.modelstore.support;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares what a service and its bucket hold with what its clients believe they stored: every version a client saw
 * created and not deleted is listed, with the SHA-256 the client sent, and its bytes download whole with that digest;
 * nothing else is listed; latest is the newest surviving version; no object in the batches' folders belongs to anything
 * else.
 */
public final class StoreAudit {

    /** A model without a tag. */
    public record Model(String batch, String metric) {

        /** The model's path in the HTTP API. */
        public String path() {
            return "/api/v1/models/" + batch + "/" + metric;
        }

        String folder(String prefix) {
            return prefix + batch + "/" + metric + "/";
        }
    }

    /**
     * @param problems          everything that differed; empty when the store is exactly what the clients believe
     * @param versions          versions checked
     * @param bytesVerified     model bytes downloaded and hashed
     * @param incompleteUploads multipart uploads in the bucket that nobody completed or aborted (never visible as versions)
     */
    public record Findings(List<String> problems, int versions, long bytesVerified, int incompleteUploads) {
    }

    private final ServiceCalls calls;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    /**
     * @param s3     a client of the bucket, past the service
     * @param prefix the service's key prefix ({@code S3_PREFIX})
     */
    public StoreAudit(ServiceCalls calls, S3Client s3, String bucket, String prefix) {
        this.calls = calls;
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /** @param expected per model, the SHA-256 of each version its clients believe exists (version id → hex digest) */
    public Findings audit(Map<Model, Map<String, String>> expected) throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        Set<String> knownKeys = new HashSet<>();
        int versions = 0;
        long bytes = 0;
        for (Map.Entry<Model, Map<String, String>> entry : expected.entrySet()) {
            Model model = entry.getKey();
            Map<String, JsonNode> listed = listVersions(model, problems);
            if (!listed.keySet().equals(entry.getValue().keySet())) {
                problems.add(model + ": listed " + listed.keySet() + " but the clients believe in " + entry.getValue().keySet());
            }
            for (Map.Entry<String, JsonNode> version : listed.entrySet()) {
                JsonNode descriptor = version.getValue();
                String believed = entry.getValue().get(version.getKey());
                if (believed != null && !believed.equals(descriptor.get("sha256").asString())) {
                    problems.add(model + " " + version.getKey() + ": descriptor sha256 " + descriptor.get("sha256").asString()
                            + ", the client sent " + believed);
                }
                bytes += verifyDownload(model, descriptor, problems);
                versions++;
                knownKeys.add(descriptor.get("key").asString());
                knownKeys.add(model.folder(prefix) + "metadata_" + version.getKey() + ".json");
            }
            verifyLatest(model, new TreeMap<>(entry.getValue()), problems);
            knownKeys.add(model.folder(prefix) + "_latest.json");
            knownKeys.add(model.folder(prefix) + "_sequence.json");
        }
        int incomplete = 0;
        for (String batch : expected.keySet().stream().map(Model::batch).distinct().toList()) {
            String folder = prefix + batch + "/";
            s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(folder)).contents().stream()
                    .map(S3Object::key)
                    .filter(key -> !knownKeys.contains(key))
                    .forEach(key -> problems.add("object " + key + " belongs to no version the clients believe in"));
            incomplete += s3.listMultipartUploads(b -> b.bucket(bucket).prefix(folder)).uploads().size();
        }
        return new Findings(problems, versions, bytes, incomplete);
    }

    private Map<String, JsonNode> listVersions(Model model, List<String> problems) throws IOException, InterruptedException {
        Map<String, JsonNode> listed = new TreeMap<>();
        String cursor = null;
        do {
            HttpResponse<String> page = calls.get(model.path() + "/versions?limit=1000"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            if (page.statusCode() == 404) {
                return listed;
            }
            if (page.statusCode() != 200) {
                problems.add(model + ": listing answered " + page.statusCode() + " " + page.body());
                return listed;
            }
            JsonNode body = ModelStoreClient.json(page.body());
            body.get("versions").forEach(version -> listed.put(version.get("version").asString(), version));
            JsonNode next = body.get("next_cursor");
            cursor = next == null || next.isNull() ? null : next.asString();
        } while (cursor != null);
        return listed;
    }

    private long verifyDownload(Model model, JsonNode descriptor, List<String> problems)
            throws IOException, InterruptedException {
        String version = descriptor.get("version").asString();
        ServiceCalls.Download download = calls.download(model.path() + "/versions/" + version);
        if (download.status() != 200) {
            problems.add(model + " " + version + ": download answered " + download.status());
            return 0;
        }
        if (download.bytes() != descriptor.get("size_bytes").asLong() || !download.sha256().equals(descriptor.get("sha256").asString())) {
            problems.add(model + " " + version + ": downloaded " + download.bytes() + " bytes with sha256 " + download.sha256()
                    + ", the descriptor says " + descriptor.get("size_bytes").asLong() + " and " + descriptor.get("sha256").asString());
        }
        return download.bytes();
    }

    private void verifyLatest(Model model, TreeMap<String, String> believed, List<String> problems)
            throws IOException, InterruptedException {
        HttpResponse<String> latest = calls.get(model.path() + "/latest/metadata");
        if (believed.isEmpty()) {
            if (latest.statusCode() != 404) {
                problems.add(model + ": no version should exist, latest answered " + latest.statusCode());
            }
            return;
        }
        String version = latest.statusCode() == 200 ? ModelStoreClient.json(latest.body()).get("version").asString() : null;
        if (!believed.lastKey().equals(version)) {
            problems.add(model + ": latest is " + (version == null ? latest.statusCode() + " " + latest.body() : version)
                    + ", the newest surviving version is " + believed.lastKey());
        }
    }

}
