package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas of the service on one bucket, each with its read cache: a new version uploaded through one is
 * latest on the other within the latest TTL, and a version deleted through a replica is never served by that
 * replica once the delete is acknowledged. Also the batch bundle, which scorers poll.
 */
class ReadCacheAcrossReplicasIT {

    private static final long LATEST_TTL_MILLIS = 1_000;

    private static S3ProxyBackend backend;
    private static RunningService first;
    private static RunningService second;
    private static ModelStoreClient a;
    private static ModelStoreClient b;

    @BeforeAll
    static void startReplicas() {
        backend = S3ProxyBackend.inMemory();
        String bucket = backend.createBucket("replicas");
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(bucket));
        properties.put("modelstore.cache.latest-ttl", LATEST_TTL_MILLIS + "ms");
        first = RunningService.start(properties);
        second = RunningService.start(properties);
        a = new ModelStoreClient(first);
        b = new ModelStoreClient(second);
    }

    @AfterAll
    static void stopReplicas() throws Exception {
        first.close();
        second.close();
        backend.close();
    }

    @Test
    void aNewVersionIsLatestEverywhereWithinTheTtlAndADeletedOneIsNeverServedByTheReplicaThatDeletedIt() throws Exception {
        String v1 = version(a.uploadRaw("cache", "cpu", null, bytes("one"), null));
        assertThat(latestVersion(b)).isEqualTo(v1);
        assertThat(b.download("/api/v1/models/cache/cpu/versions/" + v1).body()).isEqualTo(bytes("one"));

        String v2 = version(a.uploadRaw("cache", "cpu", null, bytes("two"), null));
        assertThat(latestVersion(a)).as("the uploading replica sees its upload at once").isEqualTo(v2);
        Thread.sleep(LATEST_TTL_MILLIS + 200);
        assertThat(latestVersion(b)).as("the other replica within the TTL").isEqualTo(v2);

        assertThat(b.delete("/api/v1/models/cache/cpu/versions/" + v2).statusCode()).isEqualTo(204);
        assertThat(latestVersion(b)).isEqualTo(v1);
        assertThat(b.download("/api/v1/models/cache/cpu/latest").body()).isEqualTo(bytes("one"));
        assertThat(b.get("/api/v1/models/cache/cpu/versions/" + v2).statusCode()).isEqualTo(404);
        assertThat(b.get("/api/v1/models/cache/cpu/versions/" + v2 + "/metadata").statusCode()).isEqualTo(404);
        Thread.sleep(LATEST_TTL_MILLIS + 200);
        assertThat(latestVersion(a)).isEqualTo(v1);

        assertThat(a.delete("/api/v1/models/cache/cpu").statusCode()).isEqualTo(204);
        assertThat(a.get("/api/v1/models/cache/cpu/latest").statusCode()).isEqualTo(404);
        assertThat(a.get("/api/v1/models/cache/cpu/versions/" + v1).statusCode()).isEqualTo(404);
    }

    @Test
    void theBatchBundleCarriesEveryLatestModelWithAManifestAndAnswers304WhileNothingChanged() throws Exception {
        byte[] cpu = bytes("cpu model");
        byte[] pca = "pca ".repeat(50_000).getBytes(StandardCharsets.UTF_8);
        a.uploadRaw("bundled", "cpu", null, bytes("old cpu model"), null);
        String cpuVersion = version(a.uploadRaw("bundled", "cpu", null, cpu, null));
        JsonNode pcaDescriptor = json(a.uploadRaw("bundled", "mem", "pca_default", pca, null).body());
        assertThat(pcaDescriptor.get("content_encoding").asString()).isEqualTo("zstd");

        HttpResponse<byte[]> bundle = a.download("/api/v1/models/bundled/_bundle");

        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.headers().firstValue("Content-Type")).hasValue("application/x-tar");
        Map<String, byte[]> files = untar(bundle.body());
        assertThat(files.keySet()).containsExactly("manifest.json", "cpu/model_" + cpuVersion + ".pkl",
                "mem/pca_default/model_" + pcaDescriptor.get("version").asString() + ".pkl");
        assertThat(files.get("cpu/model_" + cpuVersion + ".pkl")).isEqualTo(cpu);
        assertThat(files.get("mem/pca_default/model_" + pcaDescriptor.get("version").asString() + ".pkl")).isEqualTo(pca);
        JsonNode manifest = json(new String(files.get("manifest.json"), StandardCharsets.UTF_8));
        assertThat(manifest.get("batch").asString()).isEqualTo("bundled");
        assertThat(manifest.get("models")).hasSize(2);
        assertThat(manifest.get("models").get(1).get("tag").asString()).isEqualTo("pca_default");
        assertThat(manifest.get("models").get(1).get("sha256").asString()).isEqualTo(pcaDescriptor.get("sha256").asString());

        String eTag = bundle.headers().firstValue("ETag").orElseThrow();
        assertThat(status(a, "/api/v1/models/bundled/_bundle", eTag)).isEqualTo(304);
        assertThat(status(b, "/api/v1/models/bundled/_bundle", eTag)).isEqualTo(304);
        a.uploadRaw("bundled", "cpu", null, bytes("newer cpu model"), null);
        assertThat(status(a, "/api/v1/models/bundled/_bundle", eTag)).isEqualTo(200);
        assertThat(b.get("/api/v1/models/nobody/_bundle").statusCode()).isEqualTo(404);
    }

    private static int status(ModelStoreClient client, String path, String ifNoneMatch) {
        return client.service().send(HttpRequest.newBuilder(client.uri(path)).header("If-None-Match", ifNoneMatch),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Map<String, byte[]> untar(byte[] archive) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                files.put(entry.getName(), tar.readAllBytes());
            }
        }
        return files;
    }

    private static String latestVersion(ModelStoreClient client) {
        return client.getJson("/api/v1/models/cache/cpu/latest/metadata").get("version").asString();
    }

    private static String version(HttpResponse<String> upload) {
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        return json(upload.body()).get("version").asString();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
