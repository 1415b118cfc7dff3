package io.anomstack.modelstore.storage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

/**
 * The read cache's meters: Micrometer's Caffeine meters ({@code cache.gets}, {@code cache.size}, … tagged
 * {@code cache}) and {@code modelstore.cache.hit_ratio}, one gauge per cache that CloudWatch can graph directly.
 * Here rather than in the observability package because the caches are this package's own.
 */
final class ReadCacheMetrics implements MeterBinder {

    private final ReadCache cache;

    ReadCacheMetrics(ReadCache cache) {
        this.cache = cache;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        cache.caches().forEach((name, caffeine) -> {
            CaffeineCacheMetrics.monitor(registry, caffeine, name);
            Gauge.builder("modelstore.cache.hit_ratio", caffeine, c -> c.stats().hitRate())
                    .description("Share of the read cache's lookups answered from memory since start-up")
                    .tag("cache", name)
                    .register(registry);
        });
    }
}
