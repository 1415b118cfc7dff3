package io.anomstack.modelstore.bucket;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** The bucket's four public access block flags; a flag S3 did not report is {@code null}. */
@Schema(description = "The bucket's public access block")
public record PublicAccessBlock(@JsonProperty("block_public_acls") Boolean blockPublicAcls,
                                @JsonProperty("ignore_public_acls") Boolean ignorePublicAcls,
                                @JsonProperty("block_public_policy") Boolean blockPublicPolicy,
                                @JsonProperty("restrict_public_buckets") Boolean restrictPublicBuckets) {

    /** Models are private: every way to make the bucket or its objects public is blocked. */
    public static final PublicAccessBlock ALL_BLOCKED = new PublicAccessBlock(true, true, true, true);
}
