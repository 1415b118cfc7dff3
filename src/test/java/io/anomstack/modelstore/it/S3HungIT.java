package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyProcess;
import io.anomstack.modelstore.support.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * S3 hangs (its process SIGSTOPped: connections accepted, nothing answered) with the service on its default timeouts:
 * an upload, a download of latest and a listing each get a 503 problem with Retry-After within 35 s, then at once
 * while the circuit breaker is open, and uploads work again after the cool-down once S3 answers.
 */
class S3HungIT {

    private static final Duration BOUND = Duration.ofSeconds(35);

    @TempDir
    Path work;

    @Test
    void aHungS3Answers503WithinTheBoundThenAtOnceAndTheServiceRecoversWhenS3Resumes() throws Exception {
        try (S3ProxyProcess s3 = S3ProxyProcess.start(work)) {
            String bucket = s3.createBucket("hung");
            Map<String, Object> properties = new HashMap<>(s3.serviceProperties(bucket));
            // Not a timeout: latest must come from S3, as it does on a replica that did not just store it.
            properties.put("modelstore.cache.latest-ttl", "1ms");
            ExecutorService callers = Executors.newFixedThreadPool(3);
            try (RunningService service = RunningService.start(properties)) {
                ModelStoreClient client = new ModelStoreClient(service);
                String batch = TestData.batch();
                assertThat(client.uploadRaw(batch, "cpu", null, TestData.randomBytes(2 << 20), null).statusCode())
                        .isEqualTo(201);
                Map<String, Supplier<HttpResponse<String>>> operations = new LinkedHashMap<>();
                operations.put("upload", () -> client.uploadRaw(batch, "mem", null, TestData.randomBytes(100 * 1024), null));
                operations.put("download", () -> client.get(ModelStoreClient.path(batch, "cpu", null, "/latest")));
                operations.put("listing", () -> client.get(ModelStoreClient.path(batch, "cpu", null, "/versions")));

                s3.pause();
                Map<String, Long> first = answerAll(operations, callers);
                Map<String, Long> open = answerAll(operations, callers);
                s3.resume();
                long resumed = System.nanoTime();
                while (client.uploadRaw(batch, "mem", null, TestData.randomBytes(1024), null).statusCode() != 201) {
                    assertThat(System.nanoTime() - resumed).as("recovered within 30 s")
                            .isLessThan(Duration.ofSeconds(30).toNanos());
                    Thread.sleep(250);
                }
                long recoveredMillis = (System.nanoTime() - resumed) / 1_000_000;

                System.out.printf("S3HungIT figures: ms to 503 with S3 hung: %s; with the breaker open: %s; upload 201 "
                        + "%d ms after S3 resumed%n", first, open, recoveredMillis);
                assertThat(first.values()).allSatisfy(millis -> assertThat(millis).isLessThan(BOUND.toMillis()));
                assertThat(open.values()).allSatisfy(millis -> assertThat(millis).isLessThan(1000));
            } finally {
                callers.shutdownNow();
            }
        }
    }

    /** Sends the operations at once; each must be answered 503 problem+json with Retry-After. Milliseconds each took. */
    private static Map<String, Long> answerAll(Map<String, Supplier<HttpResponse<String>>> operations,
                                               ExecutorService callers) {
        Map<String, CompletableFuture<Long>> answers = new LinkedHashMap<>();
        operations.forEach((name, operation) -> answers.put(name, CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            HttpResponse<String> response = operation.get();
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(response.statusCode()).as(name + ": " + response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Content-Type")).as(name).hasValue("application/problem+json");
            assertThat(response.headers().firstValue("Retry-After")).as(name).isPresent();
            assertThat(json(response.body()).get("type").asString()).as(name).endsWith("s3-unavailable");
            return millis;
        }, callers)));
        Map<String, Long> millis = new LinkedHashMap<>();
        answers.forEach((name, answer) -> millis.put(name, answer.join()));
        return millis;
    }
}
