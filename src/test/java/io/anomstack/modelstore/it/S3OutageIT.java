package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.GeneratedBody;
import io.anomstack.modelstore.support.RawHttp;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyProcess;
import io.anomstack.modelstore.support.TestData;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * S3 dies (SIGKILL of its process) in the middle of a 500 MB upload: the uploader gets a clean 503 problem, no version
 * appears, latest stays where it was, and once S3 is back the upload's multipart parts are swept away.
 */
class S3OutageIT {

    private static final long MODEL_BYTES = 500L * 1024 * 1024;
    private static final long KILL_AFTER_BYTES = 100L * 1024 * 1024;

    @TempDir
    Path work;

    @Test
    void s3KilledDuringA500MegabyteUploadLeavesNoVersionAndItsPartsAreSweptOnceS3IsBack() throws Exception {
        try (S3ProxyProcess s3 = S3ProxyProcess.start(work)) {
            String bucket = s3.createBucket("outage");
            Map<String, Object> properties = new HashMap<>(s3.serviceProperties(bucket));
            properties.put("modelstore.upload.compression", "none");
            properties.put("modelstore.s3.client.max-attempts", "2");
            properties.put("modelstore.s3.client.base-delay", "10ms");
            properties.put("modelstore.s3.client.connect-timeout", "1s");
            properties.put("modelstore.s3.circuit-breaker.cool-down", "2s");
            // Every second, and any age: only the registry of uploads in flight keeps the running upload safe.
            properties.put("modelstore.s3.multipart-sweep.interval", "1s");
            properties.put("modelstore.s3.multipart-sweep.max-age", "0s");
            try (RunningService service = RunningService.start(properties); S3Client direct = s3.client()) {
                ModelStoreClient client = new ModelStoreClient(service);
                MeterRegistry meters = service.context().getBean(MeterRegistry.class);
                String batch = TestData.batch();
                String before = json(client.uploadRaw(batch, "cpu", null, TestData.randomBytes(4096), null).body())
                        .get("version").asString();

                GeneratedBody body = new GeneratedBody(MODEL_BYTES, 500, false);
                CompletableFuture<RawHttp.Answer> upload = CompletableFuture.supplyAsync(() -> RawHttp.stream(service.port(),
                        "POST " + ModelStoreClient.path(batch, "cpu", null, "") + " HTTP/1.1",
                        "Content-Type: application/octet-stream\r\nContent-Length: " + MODEL_BYTES + "\r\n", body));
                await(() -> body.sent() >= KILL_AFTER_BYTES || upload.isDone(), Duration.ofSeconds(120));
                assertThat(upload).as("the upload runs until S3 dies").isNotDone();
                assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads()).as("its multipart upload").hasSize(1);
                assertThat(aborted(meters)).as("the sweep left the running upload alone").isZero();

                s3.kill();
                long killed = System.nanoTime();
                RawHttp.Answer answer = upload.get(60, TimeUnit.SECONDS);
                long answeredMillis = (System.nanoTime() - killed) / 1_000_000;

                assertThat(answer.status()).as(answer.body()).isIn(502, 503);
                assertThat(answer.contentType()).isEqualTo("application/problem+json");
                assertThat(answer.headers()).containsKey("retry-after");
                assertThat(json(answer.body()).get("detail").asString()).doesNotContain("Exception");

                s3.restart();
                long restarted = System.nanoTime();
                // The sweep counts an abort once S3 has answered it, so the listing may be empty a moment before.
                await(() -> direct.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty()
                        && aborted(meters) > 0, Duration.ofSeconds(60));
                long sweptMillis = (System.nanoTime() - restarted) / 1_000_000;

                assertThat(aborted(meters)).as("aborted by the sweep, once").isEqualTo(1);
                assertThat(client.getJson(ModelStoreClient.path(batch, "cpu", null, "/latest/metadata")).get("version").asString())
                        .isEqualTo(before);
                assertThat(client.getJson(ModelStoreClient.path(batch, "cpu", null, "/versions")).get("versions")).hasSize(1);
                System.out.printf("S3OutageIT figures: S3 killed after %d MB of a %d MB upload; 503 after %d ms; "
                                + "its multipart upload swept %d ms after S3 came back%n", body.sent() >> 20, MODEL_BYTES >> 20,
                        answeredMillis, sweptMillis);
            }
        }
    }

    private static double aborted(MeterRegistry meters) {
        return meters.get("modelstore.multipart.aborted").counter().count();
    }

    private static void await(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within);
            }
            Thread.sleep(100);
        }
    }
}
