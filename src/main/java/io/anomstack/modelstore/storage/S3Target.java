package io.anomstack.modelstore.storage;

import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * The resolved place models go to and how their objects are written.
 *
 * @param bucket       the bucket
 * @param prefix       key prefix, empty or ending in {@code /}
 * @param region       the bucket's region
 * @param localMode    whether the bucket lives in the embedded S3 server
 * @param storageClass storage class of model objects (metadata and pointers always stay STANDARD)
 * @param encryption   requested server-side encryption, or {@code null} for the bucket default
 * @param kmsKeyId     the KMS key for the KMS algorithms
 * @param partSize     bytes per multipart-upload part
 */
record S3Target(String bucket, String prefix, String region, boolean localMode, StorageClass storageClass,
                ServerSideEncryption encryption, String kmsKeyId, int partSize) {

    String describe() {
        return "bucket '" + bucket + "' in region " + region;
    }
}
