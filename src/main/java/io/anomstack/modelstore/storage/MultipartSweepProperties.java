package io.anomstack.modelstore.storage;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * The sweep of what dead uploads left behind ({@link StaleUploadSweep}): incomplete multipart uploads and model objects
 * no metadata document names. Bound from {@code modelstore.s3.multipart-sweep.*}, named after its first task.
 *
 * @param interval how often the sweep runs, also once shortly after start-up; zero turns it off (default 1h)
 *                 ({@code MODELSTORE_MULTIPART_SWEEP_INTERVAL})
 * @param maxAge   leftovers older than this are removed, unless this instance is still writing them (default 24h: far
 *                 longer than any upload takes; another replica's running upload is protected by this age alone)
 *                 ({@code MODELSTORE_MULTIPART_SWEEP_MAX_AGE})
 */
@Validated
@ConfigurationProperties("modelstore.s3.multipart-sweep")
public record MultipartSweepProperties(
        @NotNull @DefaultValue("1h") Duration interval,
        @NotNull @DefaultValue("24h") Duration maxAge) {

    public MultipartSweepProperties {
        if (interval != null && maxAge != null && (interval.isNegative() || maxAge.isNegative())) {
            throw new IllegalArgumentException("MODELSTORE_MULTIPART_SWEEP_INTERVAL and MODELSTORE_MULTIPART_SWEEP_MAX_AGE "
                    + "must not be negative.");
        }
    }

    boolean enabled() {
        return !interval.isZero();
    }
}
