package io.anomstack.modelstore.observability;

import io.anomstack.modelstore.storage.StorageStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * Health of the service is the reachability of its bucket with the credentials it runs with. The answer is reused for
 * {@code modelstore.health.s3-cache-ttl}, so that liveness and readiness probes of many replicas do not hammer S3.
 */
@Component("s3")
class S3HealthIndicator implements HealthIndicator {

    private final StorageStatus storage;
    private final long ttlNanos;
    private volatile Checked last;

    S3HealthIndicator(StorageStatus storage, HealthProperties properties) {
        this.storage = storage;
        this.ttlNanos = properties.s3CacheTtl().toNanos();
    }

    @Override
    public Health health() {
        if (storage.failingFast().isPresent()) {
            // An open circuit breaker is known without asking S3, and must show at once: forget the cached answer, so
            // that the first check after the breaker's cool-down asks S3 again.
            last = null;
            return check();
        }
        Checked checked = last;
        long now = System.nanoTime();
        if (checked == null || now - checked.at() >= ttlNanos) {
            checked = new Checked(now, check());
            last = checked;
        }
        return checked.health();
    }

    private Health check() {
        Optional<String> problem = storage.problem();
        Health.Builder health = problem.isEmpty() ? Health.up() : Health.down().withDetail("error", problem.get());
        return health.withDetails(storage.describe()).build();
    }

    private record Checked(long at, Health health) {
    }
}
