package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.VersionId;
import io.anomstack.modelstore.s3.CircuitBreakerProperties;
import io.anomstack.modelstore.s3.MissingPermissions;
import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.ObjectSettings;
import io.anomstack.modelstore.s3.S3CircuitBreaker;
import io.anomstack.modelstore.s3.S3Location;
import io.anomstack.modelstore.support.FaultInjectingProxy;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.StorageClass;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Version ids issued by several replicas (each a sequence with its own client and clock) over one S3 bucket: unique,
 * and greater than every id issued before, whatever each replica's clock says.
 */
class VersionSequenceTest {

    private static final String BUCKET = "sequences";
    private static final Instant NOON = Instant.parse("2025-01-31T12:00:00.250Z");
    private static final ObjectSettings STANDARD = new ObjectSettings(StorageClass.STANDARD, null, null, null,
            ModelEncoding.IDENTITY);

    private static S3ProxyBackend server;
    private static FaultInjectingProxy atomic;
    private static final List<S3Client> clients = new ArrayList<>();
    private static final AtomicInteger models = new AtomicInteger();

    @BeforeAll
    static void start() {
        server = S3ProxyBackend.inMemory();
        server.createBucket(BUCKET);
        atomic = FaultInjectingProxy.start(server.endpoint(), 1).atomicConditionalWrites();
    }

    @AfterAll
    static void stop() throws Exception {
        clients.forEach(S3Client::close);
        atomic.close();
        server.close();
    }

    @Test
    void theFirstIdIsTheClocksSecondAndTheNextOnesCountUp() {
        VersionSequence replica = replica(Clock.fixed(NOON, ZoneOffset.UTC));
        ModelRef model = newModel();

        assertThat(replica.issue(model, () -> null)).hasToString("20250131_120000");
        assertThat(replica.issue(model, () -> null)).hasToString("20250131_120000_01");
        assertThat(replica.issue(newModel(), () -> null)).as("models count apart").hasToString("20250131_120000");
    }

    @Test
    void aModelWithoutSequenceContinuesAfterItsNewestStoredVersion() {
        VersionSequence replica = replica(Clock.fixed(NOON, ZoneOffset.UTC));

        assertThat(replica.issue(newModel(), () -> VersionId.parse("20250131_120500"))).hasToString("20250131_120500_01");
    }

    @Test
    void anIdIssuedAfterAnotherIsGreaterWhicheverReplicaIsBehindOrAhead() {
        VersionSequence ahead = replica(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(30)));
        VersionSequence behind = replica(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-30)));
        ModelRef model = newModel();

        VersionId first = ahead.issue(model, () -> null);
        VersionId second = behind.issue(model, () -> null);
        VersionId third = ahead.issue(model, () -> null);

        assertThat(second).isGreaterThan(first);
        assertThat(third).isGreaterThan(second);
    }

    @Test
    void threeReplicasIssuingConcurrentlyNeverIssueOneIdTwice() throws Exception {
        List<VersionSequence> replicas = List.of(replica(Clock.systemUTC()),
                replica(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(7))),
                replica(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-7))));
        ModelRef model = newModel();
        int threads = 12;
        int idsPerThread = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<VersionId>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                VersionSequence replica = replicas.get(t % replicas.size());
                Callable<List<VersionId>> task = () -> {
                    start.await();
                    List<VersionId> mine = new ArrayList<>();
                    for (int i = 0; i < idsPerThread; i++) {
                        mine.add(replica.issue(model, () -> null));
                    }
                    return mine;
                };
                results.add(pool.submit(task));
            }
            start.countDown();

            Set<VersionId> all = new HashSet<>();
            for (Future<List<VersionId>> result : results) {
                List<VersionId> mine = result.get(60, TimeUnit.SECONDS);
                assertThat(mine).as("one thread's ids, each issued after the one before").isSorted();
                all.addAll(mine);
            }
            assertThat(all).hasSize(threads * idsPerThread);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ModelRef newModel() {
        return ModelRef.of("batch", "metric_" + models.incrementAndGet());
    }

    /** A replica: its own S3 client (through the proxy that makes S3Proxy's conditional writes atomic) and clock. */
    private static VersionSequence replica(Clock clock) {
        S3Client s3 = S3Client.builder()
                .endpointOverride(URI.create(atomic.endpoint().toString()))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(server.accessKey(),
                        server.secretKey())))
                .build();
        clients.add(s3);
        S3CircuitBreaker noBreaker = new S3CircuitBreaker("S3", new CircuitBreakerProperties(false, 5,
                Duration.ofSeconds(30), Duration.ofSeconds(10)));
        ObjectRequests operations = new ObjectRequests(s3, new S3Location(BUCKET, "models/", "us-east-1", false, 8 << 20),
                new MissingPermissions(), noBreaker, 0);
        return new VersionSequence(operations, new S3KeyLayout("models/"), JsonMapper.builder().build(), batch -> STANDARD,
                clock);
    }
}
