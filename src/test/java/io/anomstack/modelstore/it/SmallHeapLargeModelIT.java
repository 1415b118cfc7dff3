package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ForkedService;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.GeneratedBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 1 GiB model through a service whose whole JVM (the embedded S3 server included) has a 256 MiB heap:
 * uploads and downloads stream, so memory does not grow with the model.
 */
class SmallHeapLargeModelIT {

    private static final long MODEL_BYTES = 1L << 30;

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
}
