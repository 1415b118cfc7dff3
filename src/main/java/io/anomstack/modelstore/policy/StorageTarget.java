package io.anomstack.modelstore.policy;

/**
 * Where a batch's objects live: batches with equal targets share bucket, region and key prefix (and so the same
 * S3 client and the same listing); they may still differ in how new objects are written.
 *
 * @param bucket the bucket, or {@code null} for the service's own bucket in local mode (the embedded S3 server)
 * @param region the bucket's region
 * @param prefix key prefix, empty or ending in {@code /}
 */
public record StorageTarget(String bucket, String region, String prefix) {
}
