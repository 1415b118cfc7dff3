package io.anomstack.modelstore.storage;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * The sweep of stale multipart uploads ({@link StaleUploadSweep}), bound from {@code modelstore.s3.multipart-sweep.*}.
 *
 * @param interval how often the sweep runs, also once shortly after start-up; zero turns it off (default 1h)
 *                 ({@code MODELSTORE_MULTIPART_SWEEP_INTERVAL})
 * @param maxAge   multipart uploads started longer ago than this are aborted, unless this instance is still sending
 *                 them (default 24h: far longer than any upload takes) ({@code MODELSTORE_MULTIPART_SWEEP_MAX_AGE})
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
