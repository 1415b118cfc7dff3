package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ForkedService;
import io.anomstack.modelstore.support.GeneratedBody;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.ServiceCalls;
import io.anomstack.modelstore.support.StoreAudit;
import io.anomstack.modelstore.support.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM, the way Kubernetes stops a pod, while uploads are running in a service process of its own: new requests are
 * turned away at once and readiness goes down; uploads that finish within the grace period are stored, those that do not
 * are aborted without leaving anything in the bucket, and the process is gone soon after the grace period.
 */
class GracefulShutdownIT {

    private static final int MIB = 1 << 20;

    @TempDir
    static Path dir;

    private static S3ProxyBackend s3;
    private static String bucket;

    @BeforeAll
    static void startS3() {
        s3 = S3ProxyBackend.filesystem(dir.resolve("s3"));
        bucket = s3.createBucket("graceful");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    private static ForkedService.Builder service(String name, Duration gracePeriod) {
        return ForkedService.fromClassPath()
                .against(s3, bucket)
                .env("MODELSTORE_SHUTDOWN_GRACE_PERIOD", gracePeriod.toSeconds() + "s")
                .log(dir.resolve(name + ".log"));
    }

    @Test
    void uploadsRunningAtSigtermFinishWithinTheGracePeriodAndAreStored() throws Exception {
        String batch = TestData.batch();
        List<GeneratedBody> bodies = new ArrayList<>();
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        ForkedService service = service("long-grace", Duration.ofSeconds(60)).start();
        try {
            ServiceCalls calls = new ServiceCalls(service.base());
            for (int i = 0; i < 4; i++) {
                GeneratedBody body = new GeneratedBody(24 * MIB, i, i % 2 == 0).holdAt(12 * MIB);
                String path = "/api/v1/models/" + batch + "/metric_" + (i % 2);
                bodies.add(body);
                answers.add(clients.submit(() -> calls.upload(path, body)));
            }
            for (GeneratedBody body : bodies) {
                body.awaitHold();
            }

            service.process().destroy();
            assertThat(turnsAwayNewRequests(calls)).as("new requests after SIGTERM are turned away").isTrue();
            assertThat(service.process().isAlive()).as("the process waits for the running uploads").isTrue();
            bodies.forEach(GeneratedBody::release);

            Map<StoreAudit.Model, Map<String, String>> stored = new HashMap<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> answer = answers.get(i).get(2, TimeUnit.MINUTES);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
                String version = ModelStoreClient.json(answer.body()).get("version").asString();
                stored.computeIfAbsent(new StoreAudit.Model(batch, "metric_" + (i % 2)), m -> new HashMap<>())
                        .put(version, bodies.get(i).sha256());
            }
            assertThat(service.process().waitFor(30, TimeUnit.SECONDS)).as("exits once the uploads are done").isTrue();

            try (RunningService restarted = RunningService.start(s3.serviceProperties(bucket)); S3Client client = s3.client()) {
                StoreAudit.Findings findings = new StoreAudit(new ServiceCalls(restarted.uri("/")), client, bucket, "models/")
                        .audit(stored);
                assertThat(findings.problems()).isEmpty();
                assertThat(findings.versions()).isEqualTo(4);
                assertThat(findings.incompleteUploads()).isZero();
            }
        } finally {
            bodies.forEach(GeneratedBody::release);
            clients.shutdownNow();
            service.close();
        }
    }

    @Test
    void anUploadStillRunningWhenTheGracePeriodEndsIsAbortedAndLeavesNothing() throws Exception {
        String batch = TestData.batch();
        Duration gracePeriod = Duration.ofSeconds(3);
        // Two 5 MiB parts go up at once, then the client sends 16 KiB every 50 ms: far too slow to finish in time.
        GeneratedBody slow = new GeneratedBody(200 * MIB, 7, false).holdAt(12 * MIB).trickle(16 * 1024, 50);
        ExecutorService client = Executors.newSingleThreadExecutor();
        ForkedService service = service("short-grace", gracePeriod).property("modelstore.s3.part-size", "5MB").start();
        try (S3Client s3Client = s3.client()) {
            ServiceCalls calls = new ServiceCalls(service.base());
            Future<HttpResponse<String>> answer = client.submit(() -> calls.upload("/api/v1/models/" + batch + "/slow", slow));
            slow.awaitHold();
            s3.awaitMultipartUploads(bucket, "models/" + batch + "/", 1);
            slow.release();

            long start = System.nanoTime();
            service.process().destroy();
            assertThat(service.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            Duration exit = Duration.ofNanos(System.nanoTime() - start);

            assertThat(exit).as("exit after SIGTERM").isBetween(gracePeriod, gracePeriod.plusSeconds(10));
            assertThat(ServiceCalls.statusOrBroken(answer)).as("what the client got").isIn(503, -1);
            assertThat(service.logText()).contains("aborting them");
            assertThat(s3Client.listMultipartUploads(b -> b.bucket(bucket).prefix("models/" + batch + "/")).uploads())
                    .as("multipart uploads left").isEmpty();
            // The model's version sequence (a few bytes of bookkeeping, never a version) is all an aborted upload leaves.
            assertThat(s3Client.listObjectsV2(b -> b.bucket(bucket).prefix("models/" + batch + "/")).contents())
                    .as("objects left").extracting(S3Object::key).containsOnly("models/" + batch + "/slow/_sequence.json");
            System.out.printf("graceful shutdown: SIGTERM to exit %d ms with a %d s grace period, slow upload aborted "
                    + "after %d MiB%n", exit.toMillis(), gracePeriod.toSeconds(), slow.sent() / MIB);
        } finally {
            slow.release();
            client.shutdownNow();
            service.close();
        }
    }

    /** Polls until a new request is refused or answered 503 (readiness down, connector paused), for up to 10 s. */
    private static boolean turnsAwayNewRequests(ServiceCalls calls) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                int readiness = calls.get("/actuator/health/readiness").statusCode();
                if (readiness != 200) {
                    return true;
                }
            } catch (IOException refused) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
