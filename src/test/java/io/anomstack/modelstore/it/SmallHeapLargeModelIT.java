package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ForkedService;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.GeneratedBody;
import io.anomstack.modelstore.support.UploadBurst;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service whose whole JVM (the embedded S3 server included) has a 256 MiB heap: a 1 GiB model goes through, since
 * uploads and downloads stream and memory does not grow with the model; and a burst of large uploads is admitted only
 * as far as the default upload budget (half the heap) reaches, the rest asked to retry, so the heap never runs out.
 */
class SmallHeapLargeModelIT {

    private static final long MODEL_BYTES = 1L << 30;
    /** The heap before and after a collection that reclaims, in -Xlog:gc lines ("Pause Young … 90M->30M(256M)"). */
    private static final Pattern COLLECTION = Pattern.compile("Pause (?:Young|Full).* (\\d+)M->(\\d+)M\\(\\d+M\\)");

    @TempDir
    Path dataDir;

    private ForkedService service;

    @AfterEach
    void stopService() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aOneGibChunkedUploadAndItsDownloadSucceedWithA256MibHeap() throws Exception {
        service = ForkedService.fromClassPath().jvmOptions("-Xmx256m")
                .property("modelstore.data-dir", dataDir.resolve("data")).log(dataDir.resolve("service.log")).start();
        URI base = service.base();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        GeneratedBody body = new GeneratedBody(MODEL_BYTES, 42, false);
        HttpResponse<String> upload = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/models/big/model"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> body))
                .timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        JsonNode descriptor = ModelStoreClient.json(upload.body());
        String sha = body.sha256();
        assertThat(descriptor.get("size_bytes").asLong()).isEqualTo(MODEL_BYTES);
        assertThat(descriptor.get("sha256").asString()).isEqualTo(sha);

        HttpResponse<InputStream> download = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/models/big/model/latest"))
                .timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest downloaded = MessageDigest.getInstance("SHA-256");
        long count;
        try (InputStream received = new DigestInputStream(download.body(), downloaded)) {
            count = received.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(count).isEqualTo(MODEL_BYTES);
        assertThat(HexFormat.of().formatHex(downloaded.digest())).isEqualTo(sha);
        assertThat(service.process().isAlive()).isTrue();
    }

    @Test
    void aBurstOfLargeUploadsIsPartlyRefusedAndTheRestStoredWithoutRunningOutOfA256MibHeap() throws Exception {
        Path gcLog = dataDir.resolve("gc.log");
        service = ForkedService.fromClassPath()
                .jvmOptions("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + gcLog)
                .property("modelstore.data-dir", dataDir.resolve("data")).log(dataDir.resolve("service.log")).start();

        // Ten uploads of 24 MiB, every other one chunked: each reserves 40.7 MiB of the 128 MiB budget.
        List<UploadBurst.Outcome> outcomes = UploadBurst.run(service.port(), "burst", 10, 24L << 20);

        assertThat(service.process().isAlive()).as("the service survived the burst").isTrue();
        assertThat(service.logText()).doesNotContain("OutOfMemoryError");
        assertThat(outcomes).extracting(UploadBurst.Outcome::status).containsOnly(201, 429).contains(201, 429);
        assertThat(outcomes).filteredOn(o -> o.status() == 429).allSatisfy(refused -> {
            assertThat(refused.beforeBody()).isTrue();
            assertThat(refused.headers()).containsKey("retry-after");
        });
        long stored = outcomes.stream().filter(o -> o.status() == 201).count();
        int mostAfterCollection = 0;
        int mostBeforeCollection = 0;
        Matcher collection = COLLECTION.matcher(Files.readString(gcLog));
        while (collection.find()) {
            mostBeforeCollection = Math.max(mostBeforeCollection, Integer.parseInt(collection.group(1)));
            mostAfterCollection = Math.max(mostAfterCollection, Integer.parseInt(collection.group(2)));
        }
        assertThat(mostAfterCollection).as("heap live after a collection, MiB").isPositive().isLessThan(256);
        System.out.printf("Burst of 10 × 24 MiB with a 256 MiB heap: %d stored, %d asked to retry; heap at most %d MiB "
                + "before a collection, %d MiB after one%n", stored, outcomes.size() - stored, mostBeforeCollection,
                mostAfterCollection);
    }
}
