package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3Backend;
import io.anomstack.modelstore.support.S3RequestCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static io.anomstack.modelstore.support.TestData.batch;
import static io.anomstack.modelstore.support.TestData.lowEntropyBytes;
import static io.anomstack.modelstore.support.TestData.randomBytes;
import static io.anomstack.modelstore.support.TestData.sha256;
import static io.anomstack.modelstore.support.ModelStoreClient.path;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every S3 backend must give the service, driven over real HTTP against the running
 * service and checked directly in the bucket. Subclasses name the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ModelStoreContract {

    /** Small enough that a few MB exercise multipart uploads, large enough to stay within S3's minimum part. */
    static final int PART_SIZE = 5 * 1024 * 1024;
    static final long MAX_MODEL_SIZE = 24L * 1024 * 1024;

    protected S3Backend backend;
    protected String bucket;
    protected RunningService service;
    protected ModelStoreClient client;
    protected S3Client s3;

    /** Starts the backend under test. */
    protected abstract S3Backend startBackend() throws Exception;

    @BeforeAll
    void startService() throws Exception {
        backend = startBackend();
        bucket = backend.createBucket("contract-" + UUID.randomUUID().toString().substring(0, 8));
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(bucket));
        properties.put("modelstore.s3.part-size", PART_SIZE + "B");
        properties.put("modelstore.max-model-size", MAX_MODEL_SIZE + "B");
        service = RunningService.start(properties, S3RequestCounter.Registration.class);
        client = new ModelStoreClient(service);
        s3 = backend.client();
    }

    @AfterAll
    void stopService() throws Exception {
        if (service != null) {
            service.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void rawUploadCreatesAVersionWithItsDescriptorAndTheDesignLayout() throws Exception {
        String batch = batch();
        byte[] model = randomBytes(100_000);

        HttpResponse<String> response = client.uploadRaw(batch, "cpu_usage", null, model, "{\"n_components\": 3, \"git_sha\": \"abc\"}");

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode descriptor = json(response.body());
        String version = descriptor.get("version").asString();
        assertThat(version).matches("\\d{8}_\\d{6}(_\\d{2})?");
        assertThat(response.headers().firstValue("Location")).hasValue("/api/v1/models/" + batch + "/cpu_usage/versions/" + version);
        assertThat(response.headers().firstValue("ETag")).hasValue("\"" + sha256(model) + "\"");
        assertThat(descriptor.get("batch").asString()).isEqualTo(batch);
        assertThat(descriptor.get("metric").asString()).isEqualTo("cpu_usage");
        assertThat(descriptor.get("tag").isNull()).isTrue();
        assertThat(descriptor.get("size_bytes").asLong()).isEqualTo(model.length);
        assertThat(descriptor.get("stored_bytes").asLong()).isEqualTo(model.length);
        assertThat(descriptor.get("sha256").asString()).isEqualTo(sha256(model));
        assertThat(descriptor.get("content_type").asString()).isEqualTo("application/octet-stream");
        assertThat(descriptor.get("content_encoding").asString()).isEqualTo("identity");
        assertThat(descriptor.get("storage_class").asString()).isEqualTo("STANDARD");
        assertThat(descriptor.get("bucket").asString()).isEqualTo(bucket);
        assertThat(descriptor.get("created_at").asString()).endsWith("Z");
        assertThat(descriptor.get("metadata").get("n_components").asInt()).isEqualTo(3);

        String modelKey = "models/" + batch + "/cpu_usage/model_" + version + ".pkl";
        String metadataKey = "models/" + batch + "/cpu_usage/metadata_" + version + ".json";
        assertThat(descriptor.get("key").asString()).isEqualTo(modelKey);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key(modelKey)).asByteArray()).isEqualTo(model);
        JsonNode stored = json(s3.getObjectAsBytes(b -> b.bucket(bucket).key(metadataKey)).asUtf8String());
        assertThat(stored).isEqualTo(descriptor);
        assertThat(keysUnder("models/" + batch + "/"))
                .containsExactlyInAnyOrder(modelKey, metadataKey, "models/" + batch + "/cpu_usage/_latest.json",
                        "models/" + batch + "/cpu_usage/_sequence.json");
    }

    @Test
    void multipartFormUploadTakesTheExtensionFromTheFileNameAndMetadataBeforeOrAfterTheFile() {
        String batch = batch();
        byte[] first = randomBytes(3_000);
        byte[] second = randomBytes(4_000);

        HttpResponse<String> before = client.uploadForm(batch, "mem", null, "model.joblib", first, "{\"order\": \"before\"}", true);
        HttpResponse<String> after = client.uploadForm(batch, "mem", null, "trained.PKL", second, "{\"order\": \"after\"}", false);

        assertThat(before.statusCode()).isEqualTo(201);
        assertThat(after.statusCode()).isEqualTo(201);
        JsonNode beforeDescriptor = json(before.body());
        JsonNode afterDescriptor = json(after.body());
        assertThat(beforeDescriptor.get("key").asString()).endsWith("/model_" + beforeDescriptor.get("version").asString() + ".joblib");
        assertThat(afterDescriptor.get("key").asString()).endsWith(".pkl");
        assertThat(beforeDescriptor.get("metadata").get("order").asString()).isEqualTo("before");
        assertThat(afterDescriptor.get("metadata").get("order").asString()).isEqualTo("after");
        assertThat(client.download(path(batch, "mem", null, "/latest")).body()).isEqualTo(second);
    }

    @Test
    void largeChunkedUploadGoesUpAsMultipartAndDownloadsIdentically() {
        String batch = batch();
        byte[] model = randomBytes(3 * PART_SIZE + 12_345);

        HttpResponse<String> response = service.send(HttpRequest.newBuilder(client.uri(path(batch, "big", null, "")))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(model))));

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode descriptor = json(response.body());
        assertThat(descriptor.get("size_bytes").asLong()).isEqualTo(model.length);
        HttpResponse<byte[]> download = client.download(path(batch, "big", null, "/versions/" + descriptor.get("version").asString()));
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(model);
        assertThat(s3.headObject(b -> b.bucket(bucket).key(descriptor.get("key").asString())).contentLength()).isEqualTo(model.length);
    }

    @Test
    void downloadsCarryVersionShaEtagLengthAndLastModifiedAndHonourHeadAndIfNoneMatch() {
        String batch = batch();
        byte[] model = randomBytes(50_000);
        String version = json(client.uploadRaw(batch, "cpu", null, model, null).body()).get("version").asString();

        for (String download : List.of(path(batch, "cpu", null, "/latest"), path(batch, "cpu", null, "/versions/" + version))) {
            HttpResponse<byte[]> get = client.download(download);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).isEqualTo(model);
            assertThat(get.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
            assertThat(get.headers().firstValue("X-Model-Version")).hasValue(version);
            assertThat(get.headers().firstValue("X-Model-Sha256")).hasValue(sha256(model));
            assertThat(get.headers().firstValue("ETag")).hasValue("\"" + sha256(model) + "\"");
            assertThat(get.headers().firstValue("Content-Length")).hasValue(String.valueOf(model.length));
            assertThat(get.headers().firstValue("Last-Modified")).isPresent();

            HttpResponse<byte[]> head = service.send(HttpRequest.newBuilder(client.uri(download))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.headers().firstValue("X-Model-Version")).hasValue(version);
            assertThat(head.headers().firstValue("Content-Length")).hasValue(String.valueOf(model.length));

            HttpResponse<byte[]> notModified = service.send(HttpRequest.newBuilder(client.uri(download))
                    .header("If-None-Match", "\"" + sha256(model) + "\""), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(notModified.statusCode()).isEqualTo(304);
        }
        JsonNode latestMetadata = client.getJson(path(batch, "cpu", null, "/latest/metadata"));
        assertThat(latestMetadata.get("version").asString()).isEqualTo(version);
        assertThat(latestMetadata.get("pinned").asBoolean()).isFalse();
        tools.jackson.databind.node.ObjectNode withoutPin = (tools.jackson.databind.node.ObjectNode) latestMetadata.deepCopy();
        withoutPin.remove("pinned");
        tools.jackson.databind.node.ObjectNode described = (tools.jackson.databind.node.ObjectNode)
                client.getJson(path(batch, "cpu", null, "/versions/" + version + "/metadata"));
        // A version's metadata adds the model object's live archive state to the stored descriptor.
        assertThat(described.remove("archive").get("archived").asBoolean()).isFalse();
        assertThat(described).isEqualTo(withoutPin);
    }

    @Test
    void tagsAreSeparateModelsOneFolderDeeperAndTheBatchListsEveryModel() {
        String batch = batch();
        byte[] untagged = randomBytes(1_000);
        byte[] pca = randomBytes(2_000);
        byte[] knn = randomBytes(3_000);
        client.uploadRaw(batch, "cpu", null, untagged, null);
        JsonNode pcaDescriptor = json(client.uploadRaw(batch, "cpu", "pca_default", pca, null).body());
        client.uploadRaw(batch, "cpu", "knn_default", knn, null);

        assertThat(pcaDescriptor.get("tag").asString()).isEqualTo("pca_default");
        assertThat(pcaDescriptor.get("key").asString())
                .isEqualTo("models/" + batch + "/cpu/pca_default/model_" + pcaDescriptor.get("version").asString() + ".pkl");
        assertThat(client.download(path(batch, "cpu", null, "/latest")).body()).isEqualTo(untagged);
        assertThat(client.download(path(batch, "cpu", "pca_default", "/latest")).body()).isEqualTo(pca);
        assertThat(client.download(path(batch, "cpu", "knn_default", "/latest")).body()).isEqualTo(knn);
        assertThat(client.getJson(path(batch, "cpu", null, "/versions")).get("versions")).hasSize(1);

        JsonNode models = client.getJson("/api/v1/models/" + batch).get("models");
        assertThat(models).hasSize(3);
        assertThat(models.get(0).get("tag").isNull()).isTrue();
        assertThat(models.get(1).get("tag").asString()).isEqualTo("knn_default");
        assertThat(models.get(2).get("latest").get("version").asString()).isEqualTo(pcaDescriptor.get("version").asString());
        assertThat(client.getJson("/api/v1/models").get("batches").valueStream().map(JsonNode::asString)).contains(batch);
    }

    @Test
    void versionsPageNewestFirstPastOneThousand() throws Exception {
        String batch = batch();
        int count = 1_005;
        List<Callable<String>> uploads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] model = ("model " + i).getBytes(StandardCharsets.UTF_8);
            uploads.add(() -> json(client.uploadRaw(batch, "many", null, model, null).body()).get("version").asString());
        }
        Set<String> uploaded = new HashSet<>(runConcurrently(uploads, 8));
        assertThat(uploaded).hasSize(count);

        List<String> listed = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = client.getJson(path(batch, "many", null, "/versions?limit=400" + (cursor == null ? "" : "&cursor=" + cursor)));
            page.get("versions").forEach(version -> listed.add(version.get("version").asString()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asString();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(listed).hasSize(count).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(uploaded);
        assertThat(listed).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(client.getJson(path(batch, "many", null, "/latest/metadata")).get("version").asString()).isEqualTo(listed.get(0));
    }

    @Test
    void resolvingLatestCostsTheSameFewS3RequestsWithOneVersionOrMany() {
        String batch = batch();
        S3RequestCounter counter = service.context().getBean(S3RequestCounter.class);
        client.uploadRaw(batch, "few", null, randomBytes(10), null);
        for (int i = 0; i < 30; i++) {
            client.uploadRaw(batch, "many", null, randomBytes(10), null);
        }

        counter.reset();
        client.getJson(path(batch, "few", null, "/latest/metadata"));
        List<String> oneVersion = counter.operations();
        counter.reset();
        client.getJson(path(batch, "many", null, "/latest/metadata"));
        List<String> thirtyVersions = counter.operations();
        counter.reset();
        client.download(path(batch, "many", null, "/latest"));
        client.download(path(batch, "many", null, "/latest"));
        List<String> twoDownloads = counter.operations();

        // At most the pointer's GET (none while this replica's cache holds it), never a listing.
        assertThat(oneVersion).hasSizeLessThanOrEqualTo(1).allMatch("GetObject"::equals);
        assertThat(thirtyVersions).hasSizeLessThanOrEqualTo(1).allMatch("GetObject"::equals);
        // Pointer GETs when the cache has let them go, and the small model read from S3 once, then from memory.
        assertThat(twoDownloads).hasSizeLessThanOrEqualTo(3).allMatch("GetObject"::equals);
    }

    @Test
    void compressibleModelsAreStoredZstdEncodedAndComeBackIdenticalWithOrWithoutAcceptEncoding() throws Exception {
        String batch = batch();
        // Four bits of entropy a byte: compresses about 2:1, and still takes two parts once compressed.
        byte[] model = lowEntropyBytes(3 * PART_SIZE);

        JsonNode descriptor = json(client.uploadRaw(batch, "zstd", null, model, null).body());

        assertThat(descriptor.get("content_encoding").asString()).isEqualTo("zstd");
        assertThat(descriptor.get("size_bytes").asLong()).isEqualTo(model.length);
        long stored = descriptor.get("stored_bytes").asLong();
        assertThat(stored).isGreaterThan(PART_SIZE).isLessThan(model.length * 3L / 4);
        var head = s3.headObject(b -> b.bucket(bucket).key(descriptor.get("key").asString()));
        assertThat(head.contentEncoding()).isEqualTo("zstd");
        assertThat(head.contentLength()).isEqualTo(stored);

        String latest = path(batch, "zstd", null, "/latest");
        HttpResponse<byte[]> decoded = client.download(latest);
        assertThat(decoded.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(decoded.headers().firstValue("Content-Length")).hasValue(String.valueOf(model.length));
        assertThat(decoded.body()).isEqualTo(model);

        HttpResponse<byte[]> passedThrough = service.send(HttpRequest.newBuilder(client.uri(latest))
                .header("Accept-Encoding", "gzip, zstd"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(passedThrough.headers().firstValue("Content-Encoding")).hasValue("zstd");
        assertThat(passedThrough.headers().firstValue("Content-Length")).hasValue(String.valueOf(stored));
        assertThat(passedThrough.headers().firstValue("X-Model-Sha256")).hasValue(sha256(model));
        assertThat(passedThrough.headers().firstValue("ETag")).isNotEqualTo(decoded.headers().firstValue("ETag"));
        try (InputStream zstd = new com.github.luben.zstd.ZstdInputStream(new java.io.ByteArrayInputStream(passedThrough.body()))) {
            assertThat(zstd.readAllBytes()).isEqualTo(model);
        }
        HttpResponse<byte[]> refused = service.send(HttpRequest.newBuilder(client.uri(latest))
                .header("Accept-Encoding", "zstd;q=0, gzip"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(refused.body()).isEqualTo(model);
        for (HttpResponse<byte[]> representation : List.of(decoded, passedThrough)) {
            HttpResponse<byte[]> notModified = service.send(HttpRequest.newBuilder(client.uri(latest))
                    .header("If-None-Match", representation.headers().firstValue("ETag").orElseThrow()),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(notModified.statusCode()).isEqualTo(304);
        }
    }

    @Test
    void incompressibleModelsAreStoredAsTheyCame() {
        String batch = batch();
        byte[] model = randomBytes(PART_SIZE + 1_000);

        JsonNode descriptor = json(client.uploadRaw(batch, "random", null, model, null).body());

        assertThat(descriptor.get("content_encoding").asString()).isEqualTo("identity");
        assertThat(descriptor.get("stored_bytes").asLong()).isEqualTo(model.length);
        assertThat(s3.headObject(b -> b.bucket(bucket).key(descriptor.get("key").asString())).contentEncoding()).isNull();
    }

    @Test
    void anAnnouncedDigestIsCheckedAndAMismatchStoresNothing() {
        String batch = batch();
        byte[] model = randomBytes(PART_SIZE + 5_000);
        String sha = sha256(model);
        String base64 = java.util.Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha));

        assertThat(upload(batch, model, "Content-Digest", "sha-512=:AAAA:, sha-256=:" + base64 + ":").statusCode()).isEqualTo(201);
        assertThat(upload(batch, model, "X-Model-Sha256", sha.toUpperCase()).statusCode()).isEqualTo(201);

        String wrong = sha256(randomBytes(7));
        assertProblem(upload(batch, model, "X-Model-Sha256", wrong), 422);
        assertProblem(upload(batch, model, "Content-Digest", "sha-256=:" + java.util.Base64.getEncoder()
                .encodeToString(HexFormat.of().parseHex(wrong)) + ":"), 422);
        // Malformed headers are refused before the body is read: a small body, so the client is still listening.
        assertProblem(upload(batch, randomBytes(100), "X-Model-Sha256", "not-a-digest"), 400);
        assertProblem(upload(batch, randomBytes(100), "Content-Digest", "sha-256=:c2hvcnQ=:"), 400);

        awaitNoMultipartUploads();
        assertThat(client.getJson(path(batch, "digest", null, "/versions")).get("versions")).hasSize(2);
        assertThat(keysUnder("models/" + batch + "/")).as("2 versions, the pointer and the sequence").hasSize(6);
    }

    @Test
    void rangesAreServedFromTheOriginalBytesWhateverTheStoredEncoding() {
        String batch = batch();
        byte[] identity = randomBytes(100_000);
        byte[] compressed = lowEntropyBytes(100_000);
        client.uploadRaw(batch, "plain", null, identity, null);
        client.uploadRaw(batch, "packed", null, compressed, null);
        assertThat(client.getJson(path(batch, "packed", null, "/latest/metadata")).get("content_encoding").asString()).isEqualTo("zstd");

        for (Map.Entry<String, byte[]> model : Map.of("plain", identity, "packed", compressed).entrySet()) {
            String latest = path(batch, model.getKey(), null, "/latest");
            byte[] bytes = model.getValue();
            assertRange(latest, "bytes=10-19", 10, 19, bytes);
            assertRange(latest, "bytes=99990-", 99_990, 99_999, bytes);
            assertRange(latest, "bytes=-5", 99_995, 99_999, bytes);
            assertRange(latest, "bytes=0-999999", 0, 99_999, bytes);

            HttpResponse<String> outside = service.send(HttpRequest.newBuilder(client.uri(latest)).header("Range", "bytes=100000-"));
            assertProblem(outside, 416);
            assertThat(outside.headers().firstValue("Content-Range")).hasValue("bytes */100000");

            HttpResponse<byte[]> several = service.send(HttpRequest.newBuilder(client.uri(latest))
                    .header("Range", "bytes=0-1,5-6"), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(several.statusCode()).isEqualTo(200);
            assertThat(several.body()).isEqualTo(bytes);
        }
    }

    private void assertRange(String path, String range, int first, int last, byte[] model) {
        HttpResponse<byte[]> response = service.send(HttpRequest.newBuilder(client.uri(path)).header("Range", range)
                .header("Accept-Encoding", "zstd"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(range).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes " + first + "-" + last + "/" + model.length);
        assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(response.body()).isEqualTo(java.util.Arrays.copyOfRange(model, first, last + 1));
    }

    private HttpResponse<String> upload(String batch, byte[] model, String header, String value) {
        return service.send(HttpRequest.newBuilder(client.uri(path(batch, "digest", null, "")))
                .header("Content-Type", "application/octet-stream")
                .header(header, value)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(model))));
    }

    @Test
    void aRollbackPinsAnOlderVersionAsLatestUntilTheNextUpload() {
        String batch = batch();
        byte[] first = randomBytes(100);
        String v1 = json(client.uploadRaw(batch, "rb", null, first, null).body()).get("version").asString();
        client.uploadRaw(batch, "rb", null, randomBytes(200), null);
        assertThat(client.getJson(path(batch, "rb", null, "/latest/metadata")).get("pinned").asBoolean()).isFalse();

        HttpResponse<String> rollback = putVersion(path(batch, "rb", null, "/latest"), v1);

        assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
        JsonNode latest = client.getJson(path(batch, "rb", null, "/latest/metadata"));
        assertThat(latest.get("version").asString()).isEqualTo(v1);
        assertThat(latest.get("pinned").asBoolean()).isTrue();
        assertThat(client.download(path(batch, "rb", null, "/latest")).body()).isEqualTo(first);
        assertThat(client.getJson(path(batch, "rb", null, "/versions/" + v1 + "/metadata")).has("pinned")).isFalse();

        String v3 = json(client.uploadRaw(batch, "rb", null, randomBytes(300), null).body()).get("version").asString();
        JsonNode afterUpload = client.getJson(path(batch, "rb", null, "/latest/metadata"));
        assertThat(afterUpload.get("version").asString()).isEqualTo(v3);
        assertThat(afterUpload.get("pinned").asBoolean()).isFalse();
        assertProblem(putVersion(path(batch, "rb", null, "/latest"), "20000101_000000"), 404);
        assertProblem(putVersion(path(batch, "rb", null, "/latest"), "yesterday"), 400);
    }

    @Test
    void latestsHistoryListsEveryUploadRollbackAndDeletionThatMovedItNewestFirst() {
        String batch = batch();
        String v1 = json(client.uploadRaw(batch, "moves", null, randomBytes(100), null).body()).get("version").asString();
        String v2 = json(client.uploadRaw(batch, "moves", null, randomBytes(200), null).body()).get("version").asString();
        putVersion(path(batch, "moves", null, "/latest"), v1);
        String v3 = json(client.uploadRaw(batch, "moves", null, randomBytes(300), null).body()).get("version").asString();
        client.delete(path(batch, "moves", null, "/versions/" + v3));

        JsonNode changes = client.getJson(path(batch, "moves", null, "/latest/history")).get("changes");

        assertThat(changes.valueStream().map(change -> change.get("version").asString() + " " + change.get("cause").asString()))
                .containsExactly(v2 + " delete", v3 + " upload", v1 + " rollback", v2 + " upload", v1 + " upload");
        assertThat(changes.valueStream().map(change -> Instant.parse(change.get("at").asString())))
                .isSortedAccordingTo(Comparator.reverseOrder());
        assertProblem(client.get(path(batch, "never-stored", null, "/latest/history")), 404);
    }

    @Test
    void aliasesNameVersionsServeThemLikeLatestAndProtectThemFromDeletion() {
        String batch = batch();
        byte[] champion = randomBytes(1_000);
        String v1 = json(client.uploadRaw(batch, "al", "knn_default", champion, null).body()).get("version").asString();
        String v2 = json(client.uploadRaw(batch, "al", "knn_default", randomBytes(2_000), null).body()).get("version").asString();

        assertThat(putVersion(path(batch, "al", "knn_default", "/aliases/production"), v1).statusCode()).isEqualTo(200);
        assertThat(putVersion(path(batch, "al", "knn_default", "/aliases/champion"), v2).statusCode()).isEqualTo(200);
        assertThat(putVersion(path(batch, "al", "knn_default", "/aliases/champion"), v1).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> production = client.download(path(batch, "al", "knn_default", "/aliases/production"));
        assertThat(production.body()).isEqualTo(champion);
        assertThat(production.headers().firstValue("X-Model-Version")).hasValue(v1);
        assertThat(client.getJson(path(batch, "al", "knn_default", "/aliases/champion/metadata")).get("version").asString()).isEqualTo(v1);
        JsonNode aliases = client.getJson(path(batch, "al", "knn_default", "/aliases")).get("aliases");
        assertThat(aliases.get("champion").asString()).isEqualTo(v1);
        assertThat(aliases.get("production").asString()).isEqualTo(v1);
        assertThat(keysUnder("models/" + batch + "/al/knn_default/_aliases/")).hasSize(2);

        assertProblem(client.delete(path(batch, "al", "knn_default", "/versions/" + v1)), 409);
        assertThat(client.delete(path(batch, "al", "knn_default", "/aliases/champion")).statusCode()).isEqualTo(204);
        assertThat(client.delete(path(batch, "al", "knn_default", "/aliases/production")).statusCode()).isEqualTo(204);
        assertProblem(client.get(path(batch, "al", "knn_default", "/aliases/production")), 404);
        assertThat(client.delete(path(batch, "al", "knn_default", "/versions/" + v1)).statusCode()).isEqualTo(204);
        assertProblem(putVersion(path(batch, "al", "knn_default", "/aliases/production"), v1), 404);
        assertProblem(putVersion(path(batch, "al", "knn_default", "/aliases/.bad"), v2), 400);

        putVersion(path(batch, "al", "knn_default", "/aliases/staging"), v2);
        assertThat(client.delete(path(batch, "al", "knn_default", "")).statusCode()).isEqualTo(204);
        assertThat(keysUnder("models/" + batch + "/")).isEmpty();
    }

    private HttpResponse<String> putVersion(String path, String version) {
        return service.send(HttpRequest.newBuilder(client.uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"version\": \"" + version + "\"}")));
    }

    @Test
    void twentyConcurrentUploadsToOneModelAllSucceedWithDistinctVersionsAndLatestIsTheNewest() throws Exception {
        String batch = batch();
        List<Callable<String>> uploads = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            byte[] model = randomBytes(10_000 + i);
            uploads.add(() -> {
                HttpResponse<String> response = client.uploadRaw(batch, "hot", null, model, null);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                return json(response.body()).get("version").asString();
            });
        }
        List<String> versions = runConcurrently(uploads, 24);

        assertThat(new HashSet<>(versions)).hasSize(24);
        String newest = versions.stream().max(String::compareTo).orElseThrow();
        assertThat(client.getJson(path(batch, "hot", null, "/latest/metadata")).get("version").asString()).isEqualTo(newest);
        assertThat(client.getJson(path(batch, "hot", null, "/versions?limit=1000")).get("versions")).hasSize(24);
    }

    @Test
    void anUploadInterruptedMidBodyLeavesNoVersionAndNoMultipartUpload() throws Exception {
        String batch = batch();
        byte[] kept = randomBytes(1_000);
        String keptVersion = json(client.uploadRaw(batch, "cut", null, kept, null).body()).get("version").asString();

        int announced = 4 * PART_SIZE;
        try (Socket socket = new Socket("127.0.0.1", service.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path(batch, "cut", null, "") + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + announced + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(randomBytes(2 * PART_SIZE + 1_000));
            out.flush();
            Thread.sleep(500);
        }

        try (Socket socket = new Socket("127.0.0.1", service.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path(batch, "cut", null, "") + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] unfinished = chunked(randomBytes(2 * PART_SIZE + 1_000));
            out.write(unfinished, 0, unfinished.length - 5);
            out.flush();
            Thread.sleep(500);
        }

        awaitNoMultipartUploads();
        assertThat(client.getJson(path(batch, "cut", null, "/latest/metadata")).get("version").asString()).isEqualTo(keptVersion);
        assertThat(client.getJson(path(batch, "cut", null, "/versions")).get("versions")).hasSize(1);
        assertThat(keysUnder("models/" + batch + "/cut/")).as("1 version, the pointer and the sequence").hasSize(4);
    }

    @Test
    void deletingTheLatestVersionMakesTheNewestRemainingOneLatest() {
        String batch = batch();
        byte[] older = randomBytes(100);
        byte[] newer = randomBytes(200);
        String olderVersion = json(client.uploadRaw(batch, "m", null, older, null).body()).get("version").asString();
        JsonNode newerDescriptor = json(client.uploadRaw(batch, "m", null, newer, null).body());
        String newerVersion = newerDescriptor.get("version").asString();

        assertThat(client.delete(path(batch, "m", null, "/versions/" + newerVersion)).statusCode()).isEqualTo(204);

        assertThat(client.download(path(batch, "m", null, "/latest")).headers().firstValue("X-Model-Version")).hasValue(olderVersion);
        assertThat(client.get(path(batch, "m", null, "/versions/" + newerVersion)).statusCode()).isEqualTo(404);
        assertThat(keysUnder("models/" + batch + "/m/")).noneMatch(key -> key.contains(newerVersion));
        assertThat(client.delete(path(batch, "m", null, "/versions/" + newerVersion)).statusCode()).isEqualTo(404);

        assertThat(client.delete(path(batch, "m", null, "/versions/" + olderVersion)).statusCode()).isEqualTo(204);
        assertThat(client.get(path(batch, "m", null, "/latest")).statusCode()).isEqualTo(404);
    }

    @Test
    void deletingAModelRemovesAllItsVersionsButNotTheOtherTagsOfItsMetric() {
        String batch = batch();
        client.uploadRaw(batch, "cpu", null, randomBytes(10), null);
        client.uploadRaw(batch, "cpu", null, randomBytes(10), null);
        client.uploadRaw(batch, "cpu", "pca_default", randomBytes(10), null);

        assertThat(client.delete(path(batch, "cpu", null, "")).statusCode()).isEqualTo(204);

        assertThat(client.get(path(batch, "cpu", null, "/latest")).statusCode()).isEqualTo(404);
        assertThat(client.get(path(batch, "cpu", "pca_default", "/latest")).statusCode()).isEqualTo(200);
        assertThat(keysUnder("models/" + batch + "/")).allMatch(key -> key.startsWith("models/" + batch + "/cpu/pca_default/"));
        assertThat(client.delete(path(batch, "cpu", null, "")).statusCode()).isEqualTo(404);
    }

    @Test
    void invalidNamesAreRejectedBeforeTouchingS3() {
        String batch = batch();
        for (String bad : List.of("/api/v1/models/" + batch + "/.hidden", "/api/v1/models/" + batch + "/a%20b",
                "/api/v1/models/_x/cpu", "/api/v1/models/" + batch + "/cpu?tag=../../etc",
                "/api/v1/models/" + batch + "/cpu?tag=model_x", "/api/v1/models/" + batch + "/" + "m".repeat(129))) {
            HttpResponse<String> response = service.send(HttpRequest.newBuilder(client.uri(bad))
                    .POST(HttpRequest.BodyPublishers.ofString("x")));
            assertProblem(response, 400);
        }
        assertProblem(client.get(path(batch, "cpu", null, "/versions/not-a-version")), 400);
        assertProblem(client.get(path(batch, "cpu", null, "/versions?limit=0")), 400);
        assertProblem(client.get(path(batch, "cpu", null, "/versions?cursor=%21%21")), 400);
        assertThat(keysUnder("models/" + batch + "/")).isEmpty();
    }

    @Test
    void unknownModelsVersionsAndBatchesAre404Problems() {
        String batch = batch();
        assertProblem(client.get(path(batch, "nothing", null, "/latest")), 404);
        assertProblem(client.get(path(batch, "nothing", null, "/latest/metadata")), 404);
        assertProblem(client.get(path(batch, "nothing", null, "/versions")), 404);
        assertProblem(client.get(path(batch, "nothing", null, "/versions/20250101_000000")), 404);
        assertProblem(client.get("/api/v1/models/" + batch), 404);
        assertProblem(client.get("/api/v1/nowhere"), 404);
    }

    @Test
    void badMetadataIsA400AndStoresNothing() {
        String batch = batch();
        assertProblem(client.uploadRaw(batch, "cpu", null, randomBytes(10), "{not json"), 400);
        assertProblem(client.uploadRaw(batch, "cpu", null, randomBytes(10), "[1, 2]"), 400);
        assertProblem(client.uploadForm(batch, "cpu", null, "m.pkl", randomBytes(10), "\"text\"", false), 400);
        assertProblem(client.uploadForm(batch, "cpu", null, "m.pkl", randomBytes(10), "{\"big\": \"" + "x".repeat(70_000) + "\"}", true), 400);
        assertThat(keysUnder("models/" + batch + "/")).as("no version: at most the ids the uploads took")
                .allMatch(key -> key.endsWith("/_sequence.json"));
    }

    @Test
    void modelsOverTheSizeLimitAre413AndLeaveNothing() throws Exception {
        String batch = batch();
        byte[] tooLarge = randomBytes((int) MAX_MODEL_SIZE + 1);

        // The service answers and closes before the client has sent everything, which java.net.http reports
        // as an I/O error: speak HTTP on a socket instead. With Content-Length the limit is known up front,
        // chunked it is found while streaming.
        String fixedLength = rawExchange("POST " + path(batch, "huge", null, "") + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: " + tooLarge.length + "\r\n\r\n", tooLarge);
        assertThat(fixedLength).startsWith("HTTP/1.1 413").contains("application/problem+json").contains("modelstore.max-model-size");
        String chunked = rawExchange("POST " + path(batch, "huge", null, "") + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n", chunked(tooLarge));
        assertThat(chunked).startsWith("HTTP/1.1 413").contains("application/problem+json").contains("modelstore.max-model-size");

        awaitNoMultipartUploads();
        assertThat(keysUnder("models/" + batch + "/")).as("no version: at most the ids the uploads took")
                .allMatch(key -> key.endsWith("/_sequence.json"));
    }

    protected void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** Sends a request as raw bytes, ignoring a connection the service closes early, and returns the response. */
    protected String rawExchange(String head, byte[] body) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", service.port())) {
            socket.setSoTimeout(30_000);
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } catch (java.io.IOException closedEarly) {
                // The service answered before reading everything: read its answer.
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] chunked(byte[] body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int from = 0; from < body.length; from += 65_536) {
            int length = Math.min(65_536, body.length - from);
            out.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, from, length);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    protected List<String> keysUnder(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    protected void awaitNoMultipartUploads() {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty()) {
            assertThat(System.currentTimeMillis()).as("multipart uploads left: "
                    + s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isLessThan(deadline);
            sleep(100);
        }
    }

    protected static <T> List<T> runConcurrently(List<Callable<T>> tasks, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> future : pool.invokeAll(tasks)) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
