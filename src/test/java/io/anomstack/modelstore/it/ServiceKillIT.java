package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ForkedService;
import io.anomstack.modelstore.support.GeneratedBody;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.ServiceCalls;
import io.anomstack.modelstore.support.StoreAudit;
import io.anomstack.modelstore.support.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGKILL (an OOM kill, a lost node) while four large uploads stream into a service process of its own, then a restart
 * on the same bucket: every version listed is complete and verifiable, latest is the newest complete version, nothing
 * of the killed uploads is visible, and the service takes new uploads as before. S3 runs in this JVM, so the bucket
 * outlives the service.
 */
class ServiceKillIT {

    private static final int MIB = 1 << 20;
    private static final String PREFIX = "models/";

    @TempDir
    Path dir;

    private S3ProxyBackend s3;
    private String bucket;

    private ForkedService.Builder service(String name) {
        return ForkedService.fromClassPath().against(s3, bucket).log(dir.resolve(name + ".log"));
    }

    @Test
    void afterASigkillMidUploadOnlyCompleteVersionsAreVisibleAndLatestIsTheNewestOfThem() throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.filesystem(dir.resolve("s3"))) {
            s3 = backend;
            bucket = backend.createBucket("killed");
            killMidUploadAndRestart();
        }
    }

    private void killMidUploadAndRestart() throws Exception {
        String batch = TestData.batch();
        List<StoreAudit.Model> models = List.of(new StoreAudit.Model(batch, "shared"), new StoreAudit.Model(batch, "alone_a"),
                new StoreAudit.Model(batch, "alone_b"));
        Map<StoreAudit.Model, Map<String, String>> stored = new LinkedHashMap<>();
        List<GeneratedBody> inFlight = new ArrayList<>();
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try (ForkedService service = service("before-kill").start()) {
            ServiceCalls calls = new ServiceCalls(service.base());
            for (StoreAudit.Model model : models) {
                for (int size : new int[] {100 * 1024, 3 * MIB}) {
                    GeneratedBody body = new GeneratedBody(size, size, true);
                    HttpResponse<String> answer = calls.upload(model.path(), body);
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
                    stored.computeIfAbsent(model, m -> new TreeMap<>())
                            .put(ModelStoreClient.json(answer.body()).get("version").asString(), body.sha256());
                }
            }
            // Two uploads of one model and one each of the others, each stopped somewhere in its middle.
            int[] sizes = {32 * MIB, 100 * MIB, 48 * MIB, 64 * MIB};
            for (int i = 0; i < sizes.length; i++) {
                GeneratedBody body = new GeneratedBody(sizes[i], i, i % 2 == 1).holdAt(sizes[i] / 2 + i * MIB);
                String path = models.get(Math.max(0, i - 1)).path();
                inFlight.add(body);
                answers.add(clients.submit(() -> calls.upload(path, body)));
            }
            for (GeneratedBody body : inFlight) {
                body.awaitHold();
            }
            s3.awaitMultipartUploads(bucket, PREFIX + batch + "/", sizes.length);

            service.kill();
        } finally {
            inFlight.forEach(GeneratedBody::release);
        }
        for (Future<HttpResponse<String>> answer : answers) {
            assertThat(ServiceCalls.statusOrBroken(answer)).as("a killed upload's client").isEqualTo(-1);
        }
        clients.shutdownNow();
        int leftByKill = s3.multipartUploads(bucket, PREFIX + batch + "/");
        // A kill cannot be timed into the milliseconds between a model object and its metadata document: this is what
        // such a kill leaves.
        String orphan = PREFIX + batch + "/alone_a/model_20200101_000000.pkl";
        try (S3Client client = s3.client()) {
            client.putObject(b -> b.bucket(bucket).key(orphan).metadata(Map.of("modelstore-upload", "a-killed-upload")),
                    RequestBody.fromString("no metadata names me"));
        }

        // Restarted in this JVM, which is quicker to start; it shares nothing with the killed process but the bucket.
        // Its sweep, run once it is ready, may take every upload and model object it is not writing itself.
        Map<String, Object> properties = new HashMap<>(s3.serviceProperties(bucket));
        properties.put("modelstore.s3.multipart-sweep.max-age", "0s");
        try (RunningService restarted = RunningService.start(properties); S3Client client = s3.client()) {
            long orphanDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (client.listObjectsV2(b -> b.bucket(bucket).prefix(orphan)).keyCount() > 0) {
                assertThat(System.nanoTime()).as("the restarted service's sweep deletes the orphaned model object")
                        .isLessThan(orphanDeadline);
                Thread.sleep(200);
            }
            ServiceCalls calls = new ServiceCalls(restarted.uri("/"));
            StoreAudit audit = new StoreAudit(calls, client, bucket, PREFIX);
            StoreAudit.Findings findings = audit.audit(stored);
            assertThat(findings.problems()).isEmpty();
            assertThat(findings.versions()).isEqualTo(6);

            GeneratedBody next = new GeneratedBody(5 * MIB, 99, false);
            HttpResponse<String> answer = calls.upload(models.get(0).path(), next);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
            stored.get(models.get(0)).put(ModelStoreClient.json(answer.body()).get("version").asString(), next.sha256());
            assertThat(audit.audit(stored).problems()).as("after a new upload").isEmpty();
            long sweepDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (s3.multipartUploads(bucket, PREFIX + batch + "/") > 0) {
                assertThat(System.nanoTime()).as("the restarted service's sweep aborts the killed uploads").isLessThan(sweepDeadline);
                Thread.sleep(200);
            }
            System.out.printf("service kill: %d uploads killed mid-body, %d incomplete multipart uploads left and swept "
                            + "by the restarted service, %d versions (%d MiB) verified after the restart%n", inFlight.size(),
                    leftByKill, findings.versions(), findings.bytesVerified() / MIB);
        }
    }
}
