package io.anomstack.modelstore.observability;

import io.anomstack.modelstore.storage.StorageStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import java.util.Optional;

/** Health of the service is the reachability of its bucket with the credentials it runs with. */
@Component("s3")
class S3HealthIndicator implements HealthIndicator {

    private final StorageStatus storage;

    S3HealthIndicator(StorageStatus storage) {
        this.storage = storage;
    }

    @Override
    public Health health() {
        Optional<String> problem = storage.problem();
        Health.Builder health = problem.isEmpty() ? Health.up() : Health.down().withDetail("error", problem.get());
        return health.withDetails(storage.describe()).build();
    }
}
