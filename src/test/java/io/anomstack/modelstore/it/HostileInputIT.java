package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RawHttp;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of malicious and malformed requests, sent byte for byte to the running service: every one is answered
 * with a 4xx problem, none with a 5xx or a stack trace, and afterwards the bucket holds exactly what the legitimate
 * requests stored, all of it under the prefix, with no multipart upload left behind.
 */
class HostileInputIT {

    /** Names that must never become part of a key, raw or percent-encoded as an attacker would send them. */
    private static final List<String> BAD_NAMES = List.of(
            "..", ".", "%2e%2e", "%2E%2E", "..%2F..%2Fetc", "%2F", "a%2Fb", "a%5Cb", "a\\b", "%00", "a%00b",
            "%c0%ae%c0%ae", "%ef%bc%8e%ef%bc%8e", "%D0%B0dmin", "x".repeat(129), "y".repeat(300), "%20", "a%20b",
            "-x", ".hidden", "_x", "%3B", "a;b", "%25", "%25%32%65", "~root", "*", "%2A", "a%0D%0AX-Injected:%201",
            "%E2%80%AE", "%F0%9F%98%80", "%2e%2e%5c%2e%2e");

    private record Case(String what, String requestLine, String headers, byte[] body) {
    }

    @Test
    void everyHostileRequestGetsA4xxProblemAndNothingIsWrittenOutsideWhatWasMeant() throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory(); S3Client s3 = backend.client()) {
            String bucket = backend.createBucket("hostile");
            Map<String, Object> properties = new HashMap<>(backend.serviceProperties(bucket));
            properties.put("modelstore.max-model-size", "10MB");
            try (RunningService service = RunningService.start(properties)) {
                ModelStoreClient client = new ModelStoreClient(service);
                String version = json(client.uploadRaw("legit", "cpu", null, "model".getBytes(StandardCharsets.UTF_8), null).body())
                        .get("version").asString();
                client.uploadRaw("legit", "cpu", null, "model 2".getBytes(StandardCharsets.UTF_8), null);
                client.uploadRaw("other", "cpu", null, "other 1".getBytes(StandardCharsets.UTF_8), null);
                client.uploadRaw("other", "cpu", null, "other 2".getBytes(StandardCharsets.UTF_8), null);
                String otherCursor = client.getJson("/api/v1/models/other/cpu/versions?limit=1").get("next_cursor").asString();
                Set<String> legitimate = keys(s3, bucket);

                List<Case> corpus = corpus(version, otherCursor);
                assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
                List<String> failures = new ArrayList<>();
                for (Case hostile : corpus) {
                    RawHttp.Answer answer = RawHttp.send(service.port(), hostile.requestLine(), hostile.headers(), hostile.body());
                    boolean head = hostile.requestLine().startsWith("HEAD ");
                    if (answer.status() < 400 || answer.status() >= 500
                            || (!head && !answer.contentType().startsWith("application/problem+json"))
                            || answer.body().contains("Exception") || answer.body().contains("\tat ")) {
                        failures.add(hostile.what() + " -> " + answer.status() + " " + answer.contentType() + " "
                                + answer.body().substring(0, Math.min(160, answer.body().length())));
                    }
                }
                assertThat(failures).as("requests not answered with a 4xx problem").isEmpty();

                // HTTP itself has 5xx answers for what the client asked of the protocol: still problems, and named so.
                for (RawHttp.Answer protocol : List.of(
                        RawHttp.send(service.port(), "GET /api/v1/models/legit/cpu/latest HTTP/9.9", "", null),
                        RawHttp.send(service.port(), "POST /api/v1/models/legit/cpu HTTP/1.1",
                                "Content-Type: application/octet-stream\r\nTransfer-Encoding: gzip, chunked\r\n",
                                "5\r\nmodel\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))) {
                    assertThat(protocol.status()).isIn(501, 505);
                    assertThat(protocol.contentType()).startsWith("application/problem+json");
                    assertThat(protocol.body()).contains("malformed-request");
                }

                assertThat(keys(s3, bucket)).isEqualTo(legitimate).allMatch(key -> key.startsWith("models/"));
                assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
                assertThat(client.get("/actuator/health").statusCode()).isEqualTo(200);
                assertThat(client.download("/api/v1/models/legit/cpu/versions/" + version).body())
                        .isEqualTo("model".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static List<Case> corpus(String version, String otherCursor) {
        List<Case> corpus = new ArrayList<>();
        byte[] model = "model".getBytes(StandardCharsets.UTF_8);
        String raw = "Content-Type: application/octet-stream\r\nContent-Length: 5\r\n";
        String jsonVersion = "{\"version\": \"" + version + "\"}";
        for (String bad : BAD_NAMES) {
            corpus.add(new Case("batch " + bad, "GET /api/v1/models/" + bad + "/cpu/latest HTTP/1.1", "", null));
            corpus.add(new Case("upload to metric " + bad, "POST /api/v1/models/legit/" + bad + " HTTP/1.1", raw, model));
            corpus.add(new Case("upload with tag " + bad, "POST /api/v1/models/legit/cpu?tag=" + bad + " HTTP/1.1", raw, model));
            corpus.add(new Case("version " + bad, "GET /api/v1/models/legit/cpu/versions/" + bad + " HTTP/1.1", "", null));
            corpus.add(new Case("alias " + bad, "PUT /api/v1/models/legit/cpu/aliases/" + bad + " HTTP/1.1",
                    "Content-Type: application/json\r\nContent-Length: " + jsonVersion.length() + "\r\n",
                    jsonVersion.getBytes(StandardCharsets.UTF_8)));
            corpus.add(new Case("delete batch " + bad, "DELETE /api/v1/models/" + bad + "/cpu HTTP/1.1", "", null));
        }
        for (String reserved : List.of("model_x", "metadata_x", "_latest", "")) {
            corpus.add(new Case("upload with tag '" + reserved + "'",
                    "POST /api/v1/models/legit/cpu?tag=" + reserved + " HTTP/1.1", raw, model));
        }
        corpus.add(new Case("empty batch", "GET /api/v1/models//cpu/latest HTTP/1.1", "", null));
        corpus.add(new Case("empty metric", "POST /api/v1/models/legit//x HTTP/1.1", raw, model));
        corpus.add(new Case("file name traversal", "POST /api/v1/models/legit/cpu HTTP/1.1",
                raw + "Content-Disposition: attachment; filename=\"../../../etc/passwd\"\r\n", model));
        corpus.add(new Case("file name backslashes", "POST /api/v1/models/legit/cpu HTTP/1.1",
                raw + "Content-Disposition: attachment; filename=\"..\\\\..\\\\model.p/kl\"\r\n", model));

        String metadata = "X-Model-Metadata: ";
        corpus.add(new Case("metadata header over the size limit", "GET /api/v1/models/legit/cpu/latest HTTP/1.1",
                metadata + "{\"a\": \"" + "x".repeat(90_000) + "\"}\r\n", null));
        corpus.add(new Case("metadata over 64 KiB", "POST /api/v1/models/legit/cpu HTTP/1.1",
                raw + metadata + "{\"a\": \"" + "x".repeat(70_000) + "\"}\r\n", model));
        corpus.add(new Case("metadata nested 5000 deep", "POST /api/v1/models/legit/cpu HTTP/1.1",
                raw + metadata + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000) + "\r\n", model));
        corpus.add(new Case("metadata arrays nested 20000 deep", "POST /api/v1/models/legit/cpu HTTP/1.1",
                raw + metadata + "{\"a\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}\r\n", model));
        for (String notAnObject : List.of("[1]", "\"x\"", "null", "{", "{\"a\": 1} trailing", "{'a': 1}", "{\"a\": NaN}",
                "{\"a\": 1, \"a\": 2}")) {
            corpus.add(new Case("metadata " + notAnObject, "POST /api/v1/models/legit/cpu HTTP/1.1",
                    raw + metadata + notAnObject + "\r\n", model));
        }
        corpus.add(new Case("200 extra headers", "GET /api/v1/models/legit/cpu/latest HTTP/1.1",
                "X-Filler: a\r\n".repeat(200), null));
        corpus.add(new Case("header without a colon", "GET /api/v1/models/legit/cpu/latest HTTP/1.1", "Broken header\r\n", null));
        corpus.add(new Case("control character in a header", "GET /api/v1/models/legit/cpu/latest HTTP/1.1", "X-A: a\u0001b\r\n", null));

        corpus.addAll(multipart());
        corpus.addAll(digests(raw, model));

        String latest = "GET /api/v1/models/legit/cpu/latest HTTP/1.1";
        for (String range : List.of("bytes=99999999999999999999-", "bytes=5-1", "bytes=-0", "bytes=abc",
                "bytes=1000000-", "bytes=-", "bytes=--1", "bytes=0-1,", "bytes=1-0-", "BYTES=9-8")) {
            corpus.add(new Case("range " + range, latest, "Range: " + range + "\r\n", null));
        }
        corpus.add(new Case("PATCH a model", "PATCH /api/v1/models/legit/cpu HTTP/1.1", raw, model));
        corpus.add(new Case("PUT as upload", "PUT /api/v1/models/legit/cpu HTTP/1.1", raw, model));
        corpus.add(new Case("DELETE every batch", "DELETE /api/v1/models HTTP/1.1", "", null));
        corpus.add(new Case("POST to a batch", "POST /api/v1/models/legit HTTP/1.1", raw, model));
        corpus.add(new Case("TRACE", "TRACE /api/v1/models HTTP/1.1", "", null));
        corpus.add(new Case("PUT a version", "PUT /api/v1/models/legit/cpu/versions/" + version + " HTTP/1.1", raw, model));
        corpus.add(new Case("made-up method", "FROB /api/v1/models HTTP/1.1", "", null));

        String versions = "GET /api/v1/models/legit/cpu/versions";
        for (String limit : List.of("0", "-1", "1001", "99999999999999999999", "abc", "1e3", "1.5", "%00")) {
            corpus.add(new Case("limit " + limit, versions + "?limit=" + limit + " HTTP/1.1", "", null));
        }
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString("../../other/cpu~AAAA".getBytes(StandardCharsets.UTF_8));
        for (String cursor : List.of("Zm9v", "!!", encoded, otherCursor, "A".repeat(10_000), "%00",
                Base64.getUrlEncoder().withoutPadding().encodeToString(version.getBytes(StandardCharsets.UTF_8)))) {
            corpus.add(new Case("cursor " + cursor.substring(0, Math.min(20, cursor.length())),
                    versions + "?cursor=" + cursor + " HTTP/1.1", "", null));
        }
        corpus.add(new Case("declared size over the limit", "POST /api/v1/models/legit/cpu HTTP/1.1",
                "Content-Type: application/octet-stream\r\nContent-Length: 6000000000\r\n", model));
        corpus.add(new Case("body shorter than declared", "POST /api/v1/models/legit/cpu HTTP/1.1",
                "Content-Type: application/octet-stream\r\nContent-Length: 500\r\n", model));
        corpus.add(new Case("bad chunk size", "POST /api/v1/models/legit/cpu HTTP/1.1",
                "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n",
                "zz\r\nmodel\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        corpus.add(new Case("bad rollback body", "PUT /api/v1/models/legit/cpu/latest HTTP/1.1",
                "Content-Type: application/json\r\nContent-Length: 16\r\n", "{\"version\": 1234".getBytes(StandardCharsets.UTF_8)));
        corpus.add(new Case("rollback to a traversal", "PUT /api/v1/models/legit/cpu/latest HTTP/1.1",
                "Content-Type: application/json\r\nContent-Length: 25\r\n", "{\"version\": \"../../../x\"}".getBytes(StandardCharsets.UTF_8)));
        corpus.add(new Case("prune with a bad flag", "POST /api/v1/models/legit/cpu/prune?dry_run=maybe HTTP/1.1", "", null));
        corpus.add(new Case("restore with absurd days", "POST /api/v1/models/legit/cpu/versions/" + version
                + "/restore?days=99999999999&tier=Standard HTTP/1.1", "", null));
        corpus.add(new Case("restore with an unknown tier", "POST /api/v1/models/legit/cpu/versions/" + version
                + "/restore?days=1&tier=Teleport HTTP/1.1", "", null));
        return corpus;
    }

    private static List<Case> multipart() {
        List<Case> cases = new ArrayList<>();
        String line = "POST /api/v1/models/legit/cpu HTTP/1.1";
        String file = "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.pkl\"\r\n\r\nmodel\r\n";
        Map<String, String> bodies = Map.of(
                "no end boundary", file,
                "no file part", "--B\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{}\r\n--B--\r\n",
                "two file parts", file + file + "--B--\r\n",
                "metadata part not JSON", "--B\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{{\r\n" + file + "--B--\r\n",
                "part without disposition", "--B\r\n\r\nmodel\r\n--B--\r\n",
                "part header line over 100 KB", "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + "x".repeat(100_000) + "\"\r\n\r\nmodel\r\n--B--\r\n",
                "garbage", "this is not multipart at all",
                "traversal in the file name", "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../x.p/kl\"\r\n\r\nm\r\n--B--\r\n");
        bodies.forEach((what, body) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            cases.add(new Case("multipart: " + what, line,
                    "Content-Type: multipart/form-data; boundary=B\r\nContent-Length: " + bytes.length + "\r\n", bytes));
        });
        byte[] valid = (file + "--B--\r\n").getBytes(StandardCharsets.UTF_8);
        cases.add(new Case("multipart without a boundary", line,
                "Content-Type: multipart/form-data\r\nContent-Length: " + valid.length + "\r\n", valid));
        cases.add(new Case("multipart with another boundary", line,
                "Content-Type: multipart/form-data; boundary=C\r\nContent-Length: " + valid.length + "\r\n", valid));
        return cases;
    }

    private static List<Case> digests(String raw, byte[] model) {
        List<Case> cases = new ArrayList<>();
        String line = "POST /api/v1/models/legit/cpu HTTP/1.1";
        String wrong = "0".repeat(64);
        for (String header : List.of("X-Model-Sha256: zz", "X-Model-Sha256: abc", "X-Model-Sha256: " + "a".repeat(63),
                "X-Model-Sha256: " + wrong, "X-Model-Sha256: " + "g".repeat(64),
                "X-Model-Sha256: " + wrong + "\r\nX-Model-Sha256: " + "1".repeat(64),
                "Content-Digest: sha-256=abc", "Content-Digest: sha-256=:!!!:", "Content-Digest: sha-256=:AAAA:",
                "Content-Digest: sha-256=:" + Base64.getEncoder().encodeToString(new byte[32]) + ":",
                "Content-Digest: sha-256=:" + Base64.getEncoder().encodeToString(new byte[32]) + ":\r\nX-Model-Sha256: "
                        + "1".repeat(64))) {
            cases.add(new Case("digest " + header.substring(0, Math.min(40, header.length())), line,
                    raw + header + "\r\n", model));
        }
        return cases;
    }

    private static Set<String> keys(S3Client s3, String bucket) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
