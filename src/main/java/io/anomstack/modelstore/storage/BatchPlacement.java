package io.anomstack.modelstore.storage;

import java.util.List;

/**
 * Where a batch's objects live: batches with equal targets share bucket, region and key prefix (and so the same
 * S3 client and the same listing); they may still differ in how new objects are written.
 *
 * @param bucket the bucket, or {@code null} for the service's own bucket in local mode (the embedded S3 server)
 * @param region the bucket's region
 * @param prefix key prefix, empty or ending in {@code /}
 */
public record BatchPlacement(String bucket, String region, String prefix) {

    /** Where each batch goes: each batch to exactly one target, so a batch's keys never show up in two places. */
    public interface PerBatch {

        BatchPlacement forBatch(String batch);

        /** Every target a batch can be placed at, the service's default first, each once. */
        List<BatchPlacement> all();
    }
}
