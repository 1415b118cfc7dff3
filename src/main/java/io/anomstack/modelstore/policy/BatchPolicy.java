package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.RetentionRule;
import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.storage.S3SettingRules;
import io.anomstack.modelstore.storage.BatchPlacement;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How and where the models of one metric batch are stored: the batch's own YAML file where it says so, the
 * service's settings (environment) for everything else.
 *
 * @param batch        the metric batch
 * @param bucket       the bucket; {@code null} only for a batch that uses the default bucket in local mode
 * @param prefix       key prefix, empty or ending in {@code /}
 * @param region       the bucket's region
 * @param encryption   server-side encryption of new objects; {@code null}: the bucket's default
 * @param kmsKeyId     the KMS key id, ARN or alias; set exactly when {@code encryption} is a KMS algorithm
 * @param bucketKey    whether SSE-KMS uses an S3 Bucket Key; {@code null}: the bucket's setting
 * @param storageClass storage class of model objects
 * @param compression  how model bodies are compressed
 * @param retention    how many versions are kept
 * @param source       the YAML file this policy comes from; {@code null} when it is the service's defaults
 * @param pickle       the file's {@code pickle} settings; {@code null}: the service's pickle policy
 */
public record BatchPolicy(String batch, @Nullable String bucket, String prefix, String region,
                          @Nullable ServerSideEncryption encryption, @Nullable String kmsKeyId, @Nullable Boolean bucketKey,
                          StorageClass storageClass, ModelEncoding compression, @Nullable RetentionRule retention,
                          @Nullable Path source, @Nullable PickleSettings pickle) {

    /** A policy that leaves pickles to the service's policy. */
    public BatchPolicy(String batch, @Nullable String bucket, String prefix, String region,
                       @Nullable ServerSideEncryption encryption, @Nullable String kmsKeyId, @Nullable Boolean bucketKey,
                       StorageClass storageClass, ModelEncoding compression, @Nullable RetentionRule retention,
                       @Nullable Path source) {
        this(batch, bucket, prefix, region, encryption, kmsKeyId, bucketKey, storageClass, compression, retention, source,
                null);
    }

    public BatchPolicy {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(storageClass, "storageClass");
        Objects.requireNonNull(compression, "compression");
        retention = retention == null ? RetentionRule.KEEP_ALL : retention;
        if (S3SettingRules.usesKms(encryption) != (kmsKeyId != null)) {
            throw new IllegalArgumentException("A KMS key id goes with the KMS encryption algorithms only (batch " + batch + ").");
        }
    }

    /** Bucket, region and prefix: the identity of the place this batch's objects live. */
    public BatchPlacement placement() {
        return new BatchPlacement(bucket, region, prefix);
    }
}
