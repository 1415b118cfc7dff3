package io.anomstack.modelstore.catalog;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
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

import static org.assertj.core.api.Assertions.assertThat;

class VersionIdGeneratorTest {

    private static final Instant NOON = Instant.parse("2025-01-31T12:00:00Z");
    private static final ModelRef CPU = ModelRef.of("my_batch", "cpu_usage");

    private final MutableClock clock = new MutableClock(NOON.plusMillis(250));
    private final VersionIdGenerator generator = new VersionIdGenerator(clock);

    @Test
    void theFirstVersionIsTheCurrentUtcSecond() {
        assertThat(generator.next(CPU)).hasToString("20250131_120000");
    }

    @Test
    void usesUtcWhateverTheClocksZone() {
        VersionIdGenerator inTokyo = new VersionIdGenerator(
                java.time.Clock.fixed(Instant.parse("2025-01-31T23:30:00Z"), java.time.ZoneId.of("Asia/Tokyo")));

        assertThat(inTokyo.next(CPU)).hasToString("20250131_233000");
    }

    @Test
    void furtherVersionsInTheSameSecondCountUp() {
        assertThat(generator.next(CPU)).hasToString("20250131_120000");
        clock.advance(Duration.ofMillis(100));
        assertThat(generator.next(CPU)).hasToString("20250131_120000_01");
        clock.advance(Duration.ofMillis(100));
        assertThat(generator.next(CPU)).hasToString("20250131_120000_02");
    }

    @Test
    void aNewSecondStartsWithoutCounter() {
        generator.next(CPU);
        generator.next(CPU);

        clock.advance(Duration.ofSeconds(1));

        assertThat(generator.next(CPU)).hasToString("20250131_120001");
    }

    @Test
    void afterTheNinetyNinthVersionOfASecondItMovesToTheNextSecond() {
        List<VersionId> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(generator.next(CPU));
        }
        assertThat(ids.get(99)).hasToString("20250131_120000_99");

        assertThat(generator.next(CPU)).hasToString("20250131_120001");
        assertThat(generator.next(CPU)).hasToString("20250131_120001_01");

        // When the clock reaches the borrowed second, it continues after what was borrowed.
        clock.advance(Duration.ofSeconds(1));
        assertThat(generator.next(CPU)).hasToString("20250131_120001_02");
        clock.advance(Duration.ofSeconds(1));
        assertThat(generator.next(CPU)).hasToString("20250131_120002");
    }

    @Test
    void aClockGoingBackwardsNeverYieldsAnOlderOrEqualId() {
        VersionId before = generator.next(CPU);

        clock.set(NOON.minus(Duration.ofHours(1)));
        VersionId afterStepBack = generator.next(CPU);
        clock.set(NOON.minus(Duration.ofDays(400)));
        VersionId afterBigStepBack = generator.next(CPU);

        assertThat(afterStepBack).isGreaterThan(before).hasToString("20250131_120000_01");
        assertThat(afterBigStepBack).isGreaterThan(afterStepBack).hasToString("20250131_120000_02");
    }

    @Test
    void idsOnlyEverIncreaseWhateverTheClockDoes() {
        java.util.Random random = new java.util.Random(42);
        VersionId previous = null;
        for (int i = 0; i < 2_000; i++) {
            clock.set(NOON.plusMillis(random.nextInt(20_000) - 10_000));
            VersionId id = generator.next(CPU);
            if (previous != null) {
                assertThat(id).isGreaterThan(previous);
                assertThat(id.value()).isGreaterThan(previous.value());
            }
            previous = id;
        }
    }

    @Test
    void differentModelsCountIndependently() {
        ModelRef memory = ModelRef.of("my_batch", "memory");
        ModelRef cpuPca = new ModelRef("my_batch", "cpu_usage", "pca_default");

        assertThat(generator.next(CPU)).hasToString("20250131_120000");
        assertThat(generator.next(CPU)).hasToString("20250131_120000_01");
        assertThat(generator.next(memory)).hasToString("20250131_120000");
        assertThat(generator.next(cpuPca)).hasToString("20250131_120000");
        assertThat(generator.next(cpuPca)).hasToString("20250131_120000_01");
        assertThat(generator.next(CPU)).hasToString("20250131_120000_02");
    }

    @Test
    void manyThreadsUploadingTheSameModelAllGetDistinctIds() throws Exception {
        int threads = 16;
        int idsPerThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<VersionId>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<List<VersionId>> task = () -> {
                    start.await();
                    List<VersionId> mine = new ArrayList<>();
                    for (int i = 0; i < idsPerThread; i++) {
                        VersionId id = generator.next(CPU);
                        mine.add(id);
                        if (i % 10 == 0) {
                            clock.advance(Duration.ofMillis(300));
                        }
                    }
                    return mine;
                };
                results.add(pool.submit(task));
            }
            start.countDown();

            Set<VersionId> all = new HashSet<>();
            for (Future<List<VersionId>> result : results) {
                List<VersionId> mine = result.get(30, TimeUnit.SECONDS);
                assertThat(mine).as("each thread sees its own ids increase").isSorted();
                all.addAll(mine);
            }
            assertThat(all).hasSize(threads * idsPerThread);
        } finally {
            pool.shutdownNow();
        }
    }
}
