package io.anomstack.modelstore.bucket;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * One lifecycle rule of the bucket, as far as the service describes rules; also how the service compares its own
 * rules with what S3 reports, so a field that is not set is {@code null} (or empty), never a default.
 *
 * @param id                        the rule's id; the service's own start with {@code anomstack-model-store-}
 * @param ours                      whether the service manages this rule (anything else it leaves as it is)
 * @param status                    {@code Enabled} or {@code Disabled}
 * @param prefix                    the key prefix the rule is limited to, if any
 * @param tags                      the object tags the rule is limited to
 * @param transitions               storage class transitions of current versions
 * @param expirationDays            days after which current versions expire
 * @param expiredObjectDeleteMarker whether delete markers without noncurrent versions are removed
 * @param noncurrentExpirationDays  days after which noncurrent versions expire
 * @param abortIncompleteUploadDays days after which incomplete multipart uploads are aborted
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@Schema(description = "A lifecycle rule of the bucket")
public record LifecycleRuleView(
        @Schema(example = "anomstack-model-store-superseded-transitions") String id,
        boolean ours,
        @Schema(example = "Enabled") String status,
        @Schema(example = "models/") String prefix,
        @Schema(example = "{\"anomstack-model-store:superseded\": \"true\"}") Map<String, String> tags,
        List<LifecycleTransition> transitions,
        @JsonProperty("expiration_days") Integer expirationDays,
        @JsonProperty("expired_object_delete_marker") Boolean expiredObjectDeleteMarker,
        @JsonProperty("noncurrent_expiration_days") Integer noncurrentExpirationDays,
        @JsonProperty("abort_incomplete_upload_days") Integer abortIncompleteUploadDays) {

    public LifecycleRuleView {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        transitions = transitions == null ? List.of() : List.copyOf(transitions);
    }
}
