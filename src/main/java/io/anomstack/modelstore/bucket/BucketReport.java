package io.anomstack.modelstore.bucket;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/**
 * A managed bucket's configuration as S3 reports it, part by part, beside what the service would set.
 *
 * @param bucket            the bucket
 * @param region            its region
 * @param prefixes          the key prefixes the service's lifecycle rules are scoped to
 * @param exists            whether the bucket exists
 * @param versioning        {@code Enabled}, {@code Suspended} or {@code Disabled} (never enabled)
 * @param publicAccessBlock the public access block flags
 * @param encryption        the default server-side encryption
 * @param lifecycle         every lifecycle rule of the bucket, the service's own marked {@code ours}; {@code desired}
 *                          holds the service's rules only, and {@code matches} compares those
 */
@JsonPropertyOrder({"bucket", "region", "prefixes", "exists", "versioning", "public_access_block", "encryption", "lifecycle"})
@Schema(description = "A bucket's configuration beside what the service would set")
public record BucketReport(@Schema(example = "your-anomstack-models-bucket") String bucket,
                           @Schema(example = "us-east-1") String region,
                           List<String> prefixes,
                           SettingReport<Boolean> exists,
                           SettingReport<String> versioning,
                           @JsonProperty("public_access_block") SettingReport<PublicAccessBlock> publicAccessBlock,
                           SettingReport<DefaultEncryption> encryption,
                           SettingReport<List<LifecycleRuleView>> lifecycle) {
}
