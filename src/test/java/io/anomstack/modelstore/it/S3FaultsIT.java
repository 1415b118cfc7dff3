package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.FaultInjectingProxy;
import io.anomstack.modelstore.support.FaultInjectingProxy.Fault;
import io.anomstack.modelstore.support.FaultInjectingProxy.Rule;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.TestData;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * S3 that throttles, errs and drops connections is survived by retries: callers see successes, and the rare request
 * that still fails is a clean 503 problem with Retry-After. The service reaches S3Proxy over HTTP through a proxy that
 * injects the faults.
 */
class S3FaultsIT {

    private static final int OPERATIONS = 500;
    private static final int CLIENTS = 8;
    private static final int METRICS = 5;

    private static S3ProxyBackend backend;
    private static FaultInjectingProxy proxy;
    private static RunningService service;
    private static ModelStoreClient client;

    @BeforeAll
    static void startService() {
        backend = S3ProxyBackend.inMemory();
        String bucket = backend.createBucket("faults-" + TestData.batch().replace('_', '-'));
        proxy = FaultInjectingProxy.start(backend.endpoint(), 42);
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(bucket));
        properties.put("modelstore.s3.endpoint", proxy.endpoint().toString());
        // Every read goes to S3: the cache would hide the faults.
        properties.put("modelstore.cache.enabled", "false");
        properties.put("modelstore.s3.part-size", "5MB");
        properties.put("modelstore.upload.compression", "none");
        // With 20% of requests throttled, 8 attempts leave one S3 request in 400,000 failing; short backoffs keep it quick.
        properties.put("modelstore.s3.client.max-attempts", "8");
        properties.put("modelstore.s3.client.base-delay", "10ms");
        properties.put("modelstore.s3.client.throttling-base-delay", "20ms");
        properties.put("modelstore.s3.client.max-backoff", "500ms");
        service = RunningService.start(properties);
        client = new ModelStoreClient(service);
    }

    @AfterAll
    static void stopService() throws Exception {
        service.close();
        proxy.close();
        backend.close();
    }

    @BeforeEach
    void noFaults() {
        proxy.rules();
    }

    @Test
    void withOneRequestInFiveThrottledAlmostEveryOperationSucceedsAndEveryFailureIsA503WithRetryAfter() throws Exception {
        String batch = TestData.batch();
        Map<String, List<String>> versions = new ConcurrentHashMap<>();
        for (int m = 0; m < METRICS; m++) {
            HttpResponse<String> seeded = client.uploadRaw(batch, "m" + m, null, TestData.randomBytes(4096), null);
            assertThat(seeded.statusCode()).as(seeded.body()).isEqualTo(201);
            versions.computeIfAbsent("m" + m, k -> new CopyOnWriteArrayList<>()).add(json(seeded.body()).get("version").asString());
        }
        long injectedBefore = proxy.injected(Fault.SLOW_DOWN);
        MeterRegistry meters = service.context().getBean(MeterRegistry.class);
        double retriesBefore = retries(meters);
        proxy.rules(Rule.of(Fault.SLOW_DOWN, 0.2));
        List<HttpResponse<?>> failures = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();

        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < OPERATIONS; i++) {
                int op = i;
                done.add(clients.submit(() -> {
                    HttpResponse<?> response = operation(op, batch, versions);
                    if (response.statusCode() >= 300) {
                        failures.add(response);
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            clients.shutdown();
        }

        long millis = (System.nanoTime() - started) / 1_000_000;
        long injected = proxy.injected(Fault.SLOW_DOWN) - injectedBefore;
        double retries = retries(meters) - retriesBefore;
        System.out.printf("S3FaultsIT figures: %d operations by %d clients, %d failed, %d injected 503s, %.0f S3 retries, "
                + "%d ms%n", OPERATIONS, CLIENTS, failures.size(), injected, retries, millis);
        for (HttpResponse<?> failure : failures) {
            System.out.printf("S3FaultsIT failure: %s %s -> %d %s%n", failure.request().method(), failure.request().uri(),
                    failure.statusCode(), failure.body());
            assertThat(failure.statusCode()).as("%s", failure.body()).isEqualTo(503);
            assertThat(failure.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(failure.headers().firstValue("Retry-After")).isPresent();
        }
        // A run makes about 2,000 S3 requests, so about one run in 200 has an operation whose 8 attempts were all
        // throttled: a clean 503 is then the right answer, and a handful of them must not fail the test.
        assertThat(failures.size()).isLessThanOrEqualTo(OPERATIONS / 100);
        assertThat(injected).isGreaterThan(OPERATIONS / 5);
        assertThat(retries).isGreaterThanOrEqualTo(injected - failures.size() * 8L);
    }

    private static double retries(MeterRegistry meters) {
        return meters.find("modelstore.s3.retries").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** Uploads of small models, latest downloads, listings and version reads, in turn. */
    private HttpResponse<?> operation(int op, String batch, Map<String, List<String>> versions) {
        String metric = "m" + (op % METRICS);
        return switch (op % 4) {
            case 0 -> {
                HttpResponse<String> uploaded = client.uploadRaw(batch, metric, null, TestData.randomBytes(1024 + op), null);
                if (uploaded.statusCode() == 201) {
                    versions.get(metric).add(json(uploaded.body()).get("version").asString());
                }
                yield uploaded;
            }
            case 1 -> client.download(ModelStoreClient.path(batch, metric, null, "/latest"));
            case 2 -> client.get("/api/v1/models/" + batch);
            default -> {
                List<String> known = versions.get(metric);
                yield client.get(ModelStoreClient.path(batch, metric, null, "/versions/" + known.get(op % known.size()) + "/metadata"));
            }
        };
    }

    @Test
    void anUploadWhoseCommitWasCarriedOutButItsAnswerLostSucceedsOnTheRetry() {
        String batch = TestData.batch();
        AtomicInteger commits = new AtomicInteger();
        // The first metadata PUT reaches S3, which stores the document; its answer never arrives, so the SDK retries.
        proxy.rules(Rule.of(Fault.CUT_RESPONSE, 1.0).when(request -> "PUT".equals(request.method())
                && request.path().contains("/metadata_") && commits.getAndIncrement() == 0));

        HttpResponse<String> uploaded = client.uploadRaw(batch, "cpu", null, TestData.randomBytes(2048), null);

        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        assertThat(commits.get()).as("the retry found the document its first attempt wrote").isGreaterThanOrEqualTo(2);
        assertThat(client.getJson(ModelStoreClient.path(batch, "cpu", null, "/latest/metadata")).get("version").asString())
                .isEqualTo(json(uploaded.body()).get("version").asString());
    }

    @Test
    void anUploadWhoseModelObjectWasStoredButItsAnswerLostSucceedsOnTheRetry() {
        String batch = TestData.batch();
        byte[] model = TestData.randomBytes(4096);
        AtomicInteger puts = new AtomicInteger();
        // S3 stores the object; its answer never arrives, and the SDK's retry is refused: the key is taken.
        proxy.rules(Rule.of(Fault.CUT_RESPONSE, 1.0).when(request -> "PUT".equals(request.method())
                && request.path().contains("/model_") && puts.getAndIncrement() == 0));

        HttpResponse<String> uploaded = client.uploadRaw(batch, "cpu", null, model, null);

        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        assertThat(puts.get()).as("the retried PUT").isGreaterThanOrEqualTo(2);
        assertLatestIs(batch, "cpu", json(uploaded.body()).get("version").asString(), model);
    }

    @Test
    void aMultipartUploadWhoseCompletionWasCarriedOutButItsAnswerLostSucceedsOnTheRetry() {
        String batch = TestData.batch();
        byte[] model = TestData.randomBytes(12 * 1024 * 1024);
        AtomicInteger completions = new AtomicInteger();
        // S3 assembles the object and its answer is cut: the SDK gives up on the truncated answer (were it to retry, the
        // retry would find the multipart upload gone). The service finds the object its own.
        proxy.rules(Rule.of(Fault.CUT_RESPONSE, 1.0).when(request -> "POST".equals(request.method())
                && request.query().contains("uploadId=") && completions.getAndIncrement() == 0));

        HttpResponse<String> uploaded = client.uploadRaw(batch, "cpu", null, model, null);

        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        assertThat(completions.get()).as("the completion whose answer was cut").isPositive();
        assertLatestIs(batch, "cpu", json(uploaded.body()).get("version").asString(), model);
    }

    private static void assertLatestIs(String batch, String metric, String version, byte[] model) {
        assertThat(client.getJson(ModelStoreClient.path(batch, metric, null, "/latest/metadata")).get("version").asString())
                .isEqualTo(version);
        HttpResponse<byte[]> latest = client.download(ModelStoreClient.path(batch, metric, null, "/latest"));
        assertThat(TestData.sha256(latest.body())).isEqualTo(TestData.sha256(model));
    }

    @Test
    void connectionsCutInTheMiddleOfAPartOrADownloadAreRetriedAndResumedWithoutALostByte() {
        String batch = TestData.batch();
        byte[] model = TestData.randomBytes(20 * 1024 * 1024);
        byte[] small = TestData.randomBytes(3 * 1024 * 1024);
        long cutRequests = proxy.injected(Fault.CUT_REQUEST);
        long cutResponses = proxy.injected(Fault.CUT_RESPONSE);
        // Every third request of a kind, not a random share: a few requests must never all escape the fault.
        AtomicInteger bodies = new AtomicInteger();
        proxy.rules(Rule.of(Fault.CUT_REQUEST, 1.0).when(request -> request.sendsBody() && bodies.getAndIncrement() % 3 == 0));

        HttpResponse<String> uploaded = client.uploadRaw(batch, "large", null, model, null);
        HttpResponse<String> uploadedSmall = client.uploadRaw(batch, "small", null, small, null);

        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        assertThat(uploadedSmall.statusCode()).as(uploadedSmall.body()).isEqualTo(201);
        assertThat(proxy.injected(Fault.CUT_REQUEST)).isGreaterThan(cutRequests);

        AtomicInteger reads = new AtomicInteger();
        proxy.rules(Rule.of(Fault.CUT_RESPONSE, 1.0).when(request -> request.readsObject() && reads.getAndIncrement() % 3 == 0));
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> large = client.download(ModelStoreClient.path(batch, "large", null, "/latest"));
            HttpResponse<byte[]> whole = client.download(ModelStoreClient.path(batch, "small", null, "/latest"));
            assertThat(large.statusCode()).isEqualTo(200);
            assertThat(TestData.sha256(large.body())).isEqualTo(TestData.sha256(model));
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(TestData.sha256(whole.body())).isEqualTo(TestData.sha256(small));
        }
        assertThat(proxy.injected(Fault.CUT_RESPONSE)).isGreaterThan(cutResponses);
        System.out.printf("S3FaultsIT cut connections: %s%n", proxy.summary());
    }
}
