package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.ServiceCalls;
import io.anomstack.modelstore.support.StoreAudit;
import io.anomstack.modelstore.support.TestData;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hundred trainers upload at the same moment, fifty of them to one model and fifty to models of their own, over real
 * HTTP. They behave as real clients do: an upload answered 429 waits for Retry-After and tries again, since the service
 * refuses an upload its memory budget ({@code MODELSTORE_UPLOAD_MEMORY_BUDGET}) cannot take. Every upload a client saw
 * succeed is stored, exactly once, under a version id of its own; latest is the version with the greatest id and never
 * goes backwards meanwhile.
 */
class ConcurrentUploadsIT {

    private static final int PER_GROUP = 50;

    @Test
    void concurrentUploadsAreAllStoredUnderUniqueVersionsAndLatestOnlyMovesForward() throws Exception {
        String batch = TestData.batch();
        StoreAudit.Model shared = new StoreAudit.Model(batch, "shared");
        try (S3ProxyBackend s3 = S3ProxyBackend.inMemory();
             RunningService service = RunningService.start(s3.serviceProperties(s3.createBucket("concurrent")));
             S3Client client = s3.client()) {
            ModelStoreClient trainer = new ModelStoreClient(service);
            Map<StoreAudit.Model, Map<String, String>> stored = new ConcurrentHashMap<>();
            AtomicInteger tooManyUploads = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService trainers = Executors.newFixedThreadPool(2 * PER_GROUP);
            List<Future<?>> uploads = new ArrayList<>();
            for (int i = 0; i < 2 * PER_GROUP; i++) {
                StoreAudit.Model model = i < PER_GROUP ? shared : new StoreAudit.Model(batch, "own_" + i);
                byte[] bytes = TestData.randomBytes(10_000 + 7_919 * i);
                uploads.add(trainers.submit(() -> {
                    go.await();
                    HttpResponse<String> answer = trainer.uploadRaw(model.batch(), model.metric(), null, bytes, null);
                    while (answer.statusCode() == 429) {
                        tooManyUploads.incrementAndGet();
                        Thread.sleep(1000L * Integer.parseInt(answer.headers().firstValue("Retry-After").orElseThrow()));
                        answer = trainer.uploadRaw(model.batch(), model.metric(), null, bytes, null);
                    }
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
                    String version = ModelStoreClient.json(answer.body()).get("version").asString();
                    String previous = stored.computeIfAbsent(model, m -> new ConcurrentHashMap<>())
                            .put(version, TestData.sha256(bytes));
                    assertThat(previous).as("version %s of %s given to two uploads", version, model).isNull();
                    return null;
                }));
            }
            LatestWatcher watcher = new LatestWatcher(new ServiceCalls(service.uri("/")), shared);
            watcher.start();
            go.countDown();
            for (Future<?> upload : uploads) {
                upload.get(3, TimeUnit.MINUTES);
            }
            watcher.stop();
            trainers.shutdown();

            assertThat(stored.get(shared)).hasSize(PER_GROUP);
            assertThat(stored).hasSize(PER_GROUP + 1);
            assertThat(watcher.backwards).as("latest moved backwards").isEmpty();
            StoreAudit.Findings findings = new StoreAudit(new ServiceCalls(service.uri("/")), client, "concurrent", "models/")
                    .audit(stored);
            assertThat(findings.problems()).isEmpty();
            assertThat(findings.versions()).isEqualTo(2 * PER_GROUP);
            assertThat(findings.incompleteUploads()).isZero();
            System.out.printf("concurrent uploads: %d stored, %d answered 429 and retried after Retry-After, latest read "
                    + "%d times while they ran, never backwards%n", findings.versions(), tooManyUploads.get(), watcher.reads.get());
        }
    }

    /** Reads a model's latest version over and over, noting every time it is older than one seen before. */
    private static final class LatestWatcher implements Runnable {

        private final ServiceCalls calls;
        private final StoreAudit.Model model;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger reads = new AtomicInteger();
        private final List<String> backwards = new CopyOnWriteArrayList<>();
        private final Thread thread = new Thread(this, "latest-watcher");

        LatestWatcher(ServiceCalls calls, StoreAudit.Model model) {
            this.calls = calls;
            this.model = model;
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        @Override
        public void run() {
            String newest = "";
            while (running.get()) {
                try {
                    HttpResponse<String> latest = calls.get("/api/v1/models/" + model.batch() + "/" + model.metric()
                            + "/latest/metadata");
                    reads.incrementAndGet();
                    if (latest.statusCode() == 200) {
                        String version = ModelStoreClient.json(latest.body()).get("version").asString();
                        if (version.compareTo(newest) < 0) {
                            backwards.add(version + " after " + newest);
                        }
                        newest = version.compareTo(newest) > 0 ? version : newest;
                    }
                    Thread.sleep(10);
                } catch (Exception e) {
                    backwards.add("latest could not be read: " + e);
                }
            }
        }
    }
}
