package io.anomstack.modelstore.observability;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * @param s3CacheTtl how long the {@code s3} health check's answer is reused. Kubernetes probes every few seconds on
 *                   every replica; each fresh check is one request per bucket. Zero checks every time.
 */
@Validated
@ConfigurationProperties("modelstore.health")
public record HealthProperties(@NotNull @DefaultValue("5s") Duration s3CacheTtl) {

    public HealthProperties {
        if (s3CacheTtl.isNegative()) {
            throw new IllegalArgumentException("modelstore.health.s3-cache-ttl must not be negative (MODELSTORE_HEALTH_S3_CACHE_TTL)");
        }
    }
}
