package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.TestData;
import io.anomstack.modelstore.support.UploadBurst;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static io.anomstack.modelstore.support.TestData.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admission by memory: an upload that does not fit in what is left of the budget is answered 429 at once, before its
 * body is read; small uploads share the budget by their size, so hundreds of them run together.
 */
class UploadLimitIT {

    /** One chunked upload reserves part size × 5 plus about 0.7 MiB (40.7 MiB): this budget takes one and little more. */
    private static final String ONE_LARGE_UPLOAD = "41MB";

    @Test
    void aLargeUploadBeyondTheBudgetIsAskedToRetryWhileASmallOneStillFits() throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory()) {
            Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("limits")));
            properties.put("modelstore.upload.memory-budget", ONE_LARGE_UPLOAD);
            try (RunningService service = RunningService.start(properties)) {
                ModelStoreClient client = new ModelStoreClient(service);
                byte[] large = randomBytes(3 << 20);
                Socket slow = null;
                HttpResponse<String> refused = null;
                // A slow chunked upload holds the budget: its headers and a first chunk are in, the rest is still
                // coming. Should the large upload overtake it to the budget, the slow one is refused instead: again.
                for (int attempt = 0; attempt < 20 && refused == null; attempt++) {
                    if (slow != null) {
                        slow.close();
                        client.delete("/api/v1/models/limits/large");
                    }
                    slow = startSlowUpload(service.port());
                    Thread.sleep(200);
                    HttpResponse<String> second = client.uploadRaw("limits", "large", null, large, null);
                    if (second.statusCode() == 429) {
                        refused = second;
                    }
                }
                assertThat(refused).as("a large upload refused while another held the budget").isNotNull();
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
                assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
                assertThat(json(refused.body()).get("type").asString())
                        .isEqualTo("urn:anomstack:model-store:problem:too-many-uploads");
                assertThat(json(refused.body()).get("detail").asString())
                        .contains("needs 40.7 MiB of memory", "of its 41.0 MiB upload budget", "MODELSTORE_UPLOAD_MEMORY_BUDGET");
                assertThat(client.get("/api/v1/models/limits/large/latest").statusCode()).isEqualTo(404);
                // A small upload reserves about its size, so it still fits; reads are never limited.
                assertThat(client.uploadRaw("limits", "small", null, randomBytes(10), null).statusCode()).isEqualTo(201);
                assertThat(client.get("/api/v1/models").statusCode()).isEqualTo(200);

                OutputStream out = slow.getOutputStream();
                out.write("6\r\n world\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(statusLine(slow.getInputStream())).contains(" 201 ");
                slow.close();
                assertThat(client.download("/api/v1/models/limits/slow/latest").body())
                        .isEqualTo("hello world".getBytes(StandardCharsets.US_ASCII));
                assertThat(client.uploadRaw("limits", "large", null, large, null).statusCode()).isEqualTo(201);
            }
        }
    }

    @Test
    void aBurstOfLargeUploadsBeyondTheBudgetIsRefusedBeforeTheirBodiesAreRead() throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory()) {
            Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("burst")));
            // Two uploads of 40.7 MiB fit, a third does not.
            properties.put("modelstore.upload.memory-budget", "100MB");
            try (RunningService service = RunningService.start(properties)) {
                List<UploadBurst.Outcome> outcomes = UploadBurst.run(service.port(), "burst", 6, 12L << 20);

                assertThat(outcomes).extracting(UploadBurst.Outcome::status).containsOnly(201, 429);
                assertThat(outcomes).filteredOn(o -> o.status() == 201).hasSize(2);
                assertThat(outcomes).filteredOn(o -> o.status() == 429).hasSize(4).allSatisfy(refused -> {
                    assertThat(refused.beforeBody()).as("answered before its body was sent").isTrue();
                    assertThat(refused.headers()).containsEntry("retry-after", "5");
                    assertThat(refused.headers().get("content-type")).startsWith("application/problem+json");
                });
            }
        }
    }

    @Test
    void twoHundredConcurrentSmallUploadsAreAllTakenWithTheDefaultBudget() throws Exception {
        int uploads = 200;
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory();
             RunningService service = RunningService.start(backend.serviceProperties(backend.createBucket("small")))) {
            ModelStoreClient client = new ModelStoreClient(service);
            String batch = TestData.batch();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService trainers = Executors.newFixedThreadPool(uploads);
            try {
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < uploads; i++) {
                    String metric = "m" + i;
                    byte[] model = randomBytes(20_000);
                    answers.add(trainers.submit(() -> {
                        go.await();
                        return client.uploadRaw(batch, metric, null, model, null);
                    }));
                }
                go.countDown();
                for (Future<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> response = answer.get(1, TimeUnit.MINUTES);
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                }
            } finally {
                trainers.shutdownNow();
            }
        }
    }

    private static Socket startSlowUpload(int port) throws Exception {
        Socket slow = new Socket("127.0.0.1", port);
        OutputStream out = slow.getOutputStream();
        out.write(("POST /api/v1/models/limits/slow HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return slow;
    }

    private static String statusLine(InputStream in) throws Exception {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString();
    }
}
