package io.anomstack.modelstore.bucket;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What a reconciliation did about one part of the bucket's configuration.
 *
 * @param step              the part
 * @param outcome           what happened
 * @param missingPermission the IAM permission whose absence stopped it, when {@code outcome} is {@code denied}
 * @param detail            what was changed, or why not
 */
@Schema(description = "What a reconciliation did about one part of the bucket's configuration")
public record StepResult(BucketStep step, Outcome outcome,
                         @JsonProperty("missing_permission") @Schema(nullable = true, example = "s3:PutLifecycleConfiguration")
                         String missingPermission,
                         @Schema(nullable = true) String detail) {

    public enum Outcome {
        /** Already as desired: nothing was written. */
        @JsonProperty("unchanged") UNCHANGED,
        @JsonProperty("changed") CHANGED,
        /** The service's IAM identity lacks {@code missing_permission}. */
        @JsonProperty("denied") DENIED,
        /** The S3 server does not implement this part. */
        @JsonProperty("unsupported") UNSUPPORTED,
        /** Any other failure; {@code detail} says which. */
        @JsonProperty("failed") FAILED,
        /** Not attempted because the bucket does not exist. */
        @JsonProperty("skipped") SKIPPED
    }

    public static StepResult of(BucketStep step, Outcome outcome, String detail) {
        return new StepResult(step, outcome, null, detail);
    }

    public static StepResult denied(BucketStep step, String permission, String detail) {
        return new StepResult(step, Outcome.DENIED, permission, detail);
    }
}
