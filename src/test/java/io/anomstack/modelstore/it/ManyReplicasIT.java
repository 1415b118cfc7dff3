package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.FaultInjectingProxy;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static io.anomstack.modelstore.support.ModelStoreClient.path;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three replicas of the service on one bucket, as the Helm chart deploys them, one with its clock 30 s ahead and one
 * 30 s behind: concurrent uploads of one model all succeed under ids of their own, an upload that starts after another
 * was acknowledged is newer and becomes latest whichever replica takes it, every replica shows the same latest and
 * versions within the latest TTL, and an Idempotency-Key retry that lands on another replica gets the first version.
 * Between the replicas and S3Proxy sits a proxy that makes S3Proxy's conditional writes atomic, as Amazon S3's are.
 */
class ManyReplicasIT {

    private static final Duration LATEST_TTL = Duration.ofSeconds(1);
    private static final Duration SKEW = Duration.ofSeconds(30);

    private static S3ProxyBackend s3;
    private static FaultInjectingProxy atomicS3;
    private static final List<RunningService> services = new ArrayList<>();
    private static ModelStoreClient onTime;
    private static ModelStoreClient ahead;
    private static ModelStoreClient behind;

    /** One replica's clock, shifted by {@code test.clock-offset}. */
    @Configuration(proxyBeanMethods = false)
    static class ShiftedClock {

        @Bean
        @Primary
        Clock shiftedClock(@Value("${test.clock-offset}") Duration offset) {
            return Clock.offset(Clock.systemUTC(), offset);
        }
    }

    @BeforeAll
    static void startReplicas() {
        s3 = S3ProxyBackend.inMemory();
        String bucket = s3.createBucket("replicas");
        atomicS3 = FaultInjectingProxy.start(s3.endpoint(), 1).atomicConditionalWrites();
        onTime = replica(bucket, Duration.ZERO);
        ahead = replica(bucket, SKEW);
        behind = replica(bucket, SKEW.negated());
    }

    @AfterAll
    static void stopReplicas() throws Exception {
        services.forEach(RunningService::close);
        atomicS3.close();
        s3.close();
    }

    @Test
    void concurrentUploadsOfOneModelOverThreeReplicasAllSucceedUnderUniqueIds() throws Exception {
        String batch = TestData.batch();
        int uploads = 66;
        List<ModelStoreClient> replicas = List.of(onTime, ahead, behind);
        ExecutorService trainers = Executors.newFixedThreadPool(uploads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < uploads; i++) {
                ModelStoreClient replica = replicas.get(i % replicas.size());
                byte[] model = TestData.randomBytes(20_000 + i);
                answers.add(trainers.submit(() -> {
                    go.await();
                    return replica.uploadRaw(batch, "shared", null, model, null);
                }));
            }
            long started = System.nanoTime();
            go.countDown();
            Map<Integer, Integer> statuses = new TreeMap<>();
            Set<String> versions = new HashSet<>();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(3, TimeUnit.MINUTES);
                statuses.merge(response.statusCode(), 1, Integer::sum);
                if (response.statusCode() == 201) {
                    versions.add(json(response.body()).get("version").asString());
                }
            }

            System.out.printf("%d concurrent uploads of one model over 3 replicas: %s in %d ms%n", uploads, statuses,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertThat(statuses).as("answers by status").isEqualTo(Map.of(201, uploads));
            assertThat(versions).as("one id per upload").hasSize(uploads);
            String newest = versions.stream().max(String::compareTo).orElseThrow();
            Thread.sleep(LATEST_TTL.toMillis() + 200);
            for (ModelStoreClient replica : replicas) {
                assertThat(latest(replica, batch, "shared")).as("latest on every replica").isEqualTo(newest);
                assertThat(versionsListed(replica, batch, "shared")).as("versions on every replica")
                        .containsExactlyInAnyOrderElementsOf(versions);
            }
        } finally {
            trainers.shutdownNow();
        }
    }

    @Test
    void anUploadThatStartsAfterAnotherWasAcknowledgedIsNewerAndLatestWhateverTheClocks() throws Exception {
        String batch = TestData.batch();
        List<ModelStoreClient> order = List.of(ahead, behind, onTime, behind, ahead, onTime, ahead, behind);
        String previous = null;
        for (ModelStoreClient replica : order) {
            String version = uploaded(replica.uploadRaw(batch, "cpu", null, TestData.randomBytes(5_000), null));
            if (previous != null) {
                assertThat(version).as("acknowledged after " + previous).isGreaterThan(previous);
            }
            assertThat(latest(replica, batch, "cpu")).as("latest on the replica that acknowledged it").isEqualTo(version);
            previous = version;
        }
        Thread.sleep(LATEST_TTL.toMillis() + 200);
        for (ModelStoreClient replica : List.of(onTime, ahead, behind)) {
            assertThat(latest(replica, batch, "cpu")).as("latest on every replica within the TTL").isEqualTo(previous);
            assertThat(versionsListed(replica, batch, "cpu")).hasSize(order.size()).first().isEqualTo(previous);
        }
    }

    @Test
    void anIdempotencyKeyRetryLandingOnAnotherReplicaGetsTheFirstVersion() {
        String batch = TestData.batch();
        byte[] model = TestData.randomBytes(30_000);
        String key = "retry-" + batch;

        HttpResponse<String> first = uploadWithKey(ahead, batch, model, key);
        HttpResponse<String> retry = uploadWithKey(behind, batch, model, key);

        String version = uploaded(first);
        assertThat(retry.statusCode()).as(retry.body()).isIn(200, 201);
        assertThat(json(retry.body()).get("version").asString()).isEqualTo(version);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(versionsListed(onTime, batch, "key")).containsExactly(version);
    }

    private static ModelStoreClient replica(String bucket, Duration clockOffset) {
        Map<String, Object> properties = new HashMap<>(s3.serviceProperties(bucket));
        properties.put("modelstore.s3.endpoint", atomicS3.endpoint().toString());
        properties.put("modelstore.cache.latest-ttl", LATEST_TTL.toMillis() + "ms");
        properties.put("test.clock-offset", clockOffset.toString());
        RunningService service = RunningService.start(properties, ShiftedClock.class);
        services.add(service);
        return new ModelStoreClient(service);
    }

    private static HttpResponse<String> uploadWithKey(ModelStoreClient replica, String batch, byte[] model, String key) {
        return replica.service().send(HttpRequest.newBuilder(replica.uri(path(batch, "key", null, "")))
                .header("Content-Type", "application/octet-stream")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(model)));
    }

    private static String latest(ModelStoreClient replica, String batch, String metric) {
        return replica.getJson(path(batch, metric, null, "/latest/metadata")).get("version").asString();
    }

    /** Every version the replica lists, newest first, following the cursors. */
    private static List<String> versionsListed(ModelStoreClient replica, String batch, String metric) {
        List<String> versions = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = replica.getJson(path(batch, metric, null, "/versions?limit=50"
                    + (cursor == null ? "" : "&cursor=" + cursor)));
            page.get("versions").forEach(version -> versions.add(version.get("version").asString()));
            cursor = page.hasNonNull("next_cursor") ? page.get("next_cursor").asString() : null;
        } while (cursor != null);
        return versions;
    }

    private static String uploaded(HttpResponse<String> upload) {
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        return json(upload.body()).get("version").asString();
    }
}
