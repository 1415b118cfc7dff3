package io.anomstack.modelstore.s3;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * When the service stops sending requests to an S3 that keeps failing, bound from {@code modelstore.s3.circuit-breaker.*}
 * (see {@link S3CircuitBreaker}).
 *
 * @param enabled   whether requests fail fast while S3 is down (default true) ({@code MODELSTORE_S3_BREAKER_ENABLED})
 * @param failures  requests in a row that must fail (after their retries) to open the breaker, at least 1 (default 5)
 *                  ({@code MODELSTORE_S3_BREAKER_FAILURES})
 * @param window    the run of failures counts only when it lies within this time: a failure now and then never opens
 *                  it (default 30s) ({@code MODELSTORE_S3_BREAKER_WINDOW})
 * @param coolDown  how long requests fail fast before one probe request may try S3 again (default 10s)
 *                  ({@code MODELSTORE_S3_BREAKER_COOL_DOWN})
 */
@Validated
@ConfigurationProperties("modelstore.s3.circuit-breaker")
public record CircuitBreakerProperties(
        @DefaultValue("true") boolean enabled,
        @Min(1) @DefaultValue("5") int failures,
        @NotNull @DefaultValue("30s") Duration window,
        @NotNull @DefaultValue("10s") Duration coolDown) {

    public CircuitBreakerProperties {
        if (window != null && coolDown != null && (isZeroOrNegative(window) || isZeroOrNegative(coolDown))) {
            throw new IllegalArgumentException("MODELSTORE_S3_BREAKER_WINDOW and MODELSTORE_S3_BREAKER_COOL_DOWN must be positive.");
        }
    }

    private static boolean isZeroOrNegative(Duration duration) {
        return duration.isZero() || duration.isNegative();
    }
}
