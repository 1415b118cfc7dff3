package io.anomstack.modelstore.bucket;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A bucket's default server-side encryption: what S3 applies to objects written without encryption headers.
 *
 * @param algorithm        {@code AES256}, {@code aws:kms} or {@code aws:kms:dsse}
 * @param kmsKeyId         the KMS key, with the KMS algorithms
 * @param bucketKeyEnabled whether SSE-KMS uses an S3 Bucket Key; {@code null} where it does not apply
 */
@Schema(description = "Default server-side encryption of the bucket")
public record DefaultEncryption(@Schema(example = "aws:kms") String algorithm,
                                @JsonProperty("kms_key_id") @Schema(nullable = true, example = "alias/models") String kmsKeyId,
                                @JsonProperty("bucket_key_enabled") @Schema(nullable = true) Boolean bucketKeyEnabled) {

    public static final String AES256 = "AES256";
    public static final String KMS = "aws:kms";

    /** Whether {@code actual} gives what this encryption asks for: the Bucket Key only counts with SSE-KMS. */
    public boolean satisfiedBy(DefaultEncryption actual) {
        if (actual == null || !algorithm.equals(actual.algorithm)) {
            return false;
        }
        if (AES256.equals(algorithm)) {
            return true;
        }
        boolean sameKey = kmsKeyId == null ? actual.kmsKeyId == null : kmsKeyId.equals(actual.kmsKeyId);
        boolean sameBucketKey = !KMS.equals(algorithm) || Boolean.TRUE.equals(bucketKeyEnabled) == Boolean.TRUE.equals(actual.bucketKeyEnabled);
        return sameKey && sameBucketKey;
    }
}
