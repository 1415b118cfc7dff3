package io.anomstack.modelstore.bucket;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What reading one part of a bucket's configuration found, beside what the service wants it to be.
 *
 * @param probe             whether the part could be read
 * @param actual            the part as S3 reported it; {@code null} when not configured or not readable
 * @param desired           what the service would set
 * @param matches           whether {@code actual} is {@code desired}; {@code null} when it could not be read
 * @param missingPermission the IAM permission a denied read needs
 * @param detail            why the part could not be read, or a note on it
 */
@Schema(description = "One part of the bucket's configuration: what S3 reports and what the service would set")
public record SettingReport<T>(Probe probe, T actual, T desired, Boolean matches,
                               @JsonProperty("missing_permission") @Schema(nullable = true, example = "s3:GetLifecycleConfiguration")
                               String missingPermission,
                               @Schema(nullable = true) String detail) {

    /** Whether the part could be read. */
    public enum Probe {
        @JsonProperty("ok") OK,
        @JsonProperty("denied") DENIED,
        @JsonProperty("unsupported") UNSUPPORTED,
        @JsonProperty("failed") FAILED,
        /** Not looked at: the bucket does not exist. */
        @JsonProperty("skipped") SKIPPED
    }

    public static <T> SettingReport<T> read(T actual, T desired, boolean matches, String detail) {
        return new SettingReport<>(Probe.OK, actual, desired, matches, null, detail);
    }

    public static <T> SettingReport<T> notRead(Probe probe, T desired, String missingPermission, String detail) {
        return new SettingReport<>(probe, null, desired, null, missingPermission, detail);
    }
}
