package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.RetentionRule;
import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.storage.S3SettingRules;
import io.anomstack.modelstore.storage.BatchPlacement;
import io.anomstack.modelstore.storage.S3StorageProperties;
import io.anomstack.modelstore.storage.UploadProperties;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.util.Objects;

/**
 * The service's own settings (environment variables), which apply to every batch without a file and to everything
 * a batch file leaves out.
 *
 * @param bucket       {@code S3_BUCKET_NAME}; {@code null} in local mode, where the embedded server's bucket is used
 * @param prefix       {@code S3_PREFIX}
 * @param region       {@code AWS_REGION}
 * @param storageClass {@code S3_STORAGE_CLASS}
 * @param encryption   {@code S3_SSE}; {@code null}: the bucket's default
 * @param kmsKeyId     {@code S3_SSE_KMS_KEY_ID}
 * @param bucketKey    S3 Bucket Key for SSE-KMS; no environment variable sets it, so {@code null}: the bucket's setting
 * @param compression  {@code S3_COMPRESSION}
 * @param retention    {@code MODELSTORE_RETENTION_*}
 */
public record BatchPolicyDefaults(@Nullable String bucket, String prefix, String region, StorageClass storageClass,
                                  @Nullable ServerSideEncryption encryption, @Nullable String kmsKeyId,
                                  @Nullable Boolean bucketKey, ModelEncoding compression, @Nullable RetentionRule retention) {

    public BatchPolicyDefaults {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(storageClass, "storageClass");
        Objects.requireNonNull(compression, "compression");
        retention = retention == null ? RetentionRule.KEEP_ALL : retention;
    }

    /** The defaults of the running service, from its validated settings. */
    public static BatchPolicyDefaults from(S3StorageProperties s3, UploadProperties upload, @Nullable RetentionProperties retention) {
        ServerSideEncryption encryption = S3SettingRules.encryption(s3.sse());
        return new BatchPolicyDefaults(
                s3.localMode() ? null : s3.bucket(),
                s3.prefix(),
                s3.region(),
                S3SettingRules.storageClass(s3.storageClass()),
                encryption,
                S3SettingRules.usesKms(encryption) ? s3.sseKmsKeyId() : null,
                null,
                upload.encoding(),
                retention == null ? RetentionRule.KEEP_ALL : retention.toRetention());
    }

    /** Bucket, region and prefix of the batches without a file of their own. */
    public BatchPlacement placement() {
        return new BatchPlacement(bucket, region, prefix);
    }

    /** The policy of a batch that has no file of its own. */
    public BatchPolicy policyFor(String batch) {
        return new BatchPolicy(batch, bucket, prefix, region, encryption, kmsKeyId, bucketKey, storageClass,
                compression, retention, null);
    }
}
