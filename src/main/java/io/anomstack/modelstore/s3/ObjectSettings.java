package io.anomstack.modelstore.s3;

import io.anomstack.modelstore.catalog.ModelEncoding;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * How the objects of one batch are written: its storage class (model objects only: small documents always stay
 * in STANDARD), server-side encryption (every object) and compression (model bodies).
 *
 * @param storageClass storage class of model objects
 * @param encryption   requested server-side encryption; {@code null}: the bucket's default
 * @param kmsKeyId     the KMS key, for the KMS algorithms only
 * @param bucketKey    whether SSE-KMS uses an S3 Bucket Key; {@code null}: the bucket's setting
 * @param compression  how model bodies are compressed when that pays
 */
public record ObjectSettings(StorageClass storageClass, @Nullable ServerSideEncryption encryption, @Nullable String kmsKeyId,
                             @Nullable Boolean bucketKey, ModelEncoding compression) {

    /** The settings of each batch. */
    @FunctionalInterface
    public interface PerBatch {
        ObjectSettings forBatch(String batch);
    }
}
