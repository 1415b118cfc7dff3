package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * Whether the bucket keeps noncurrent versions of deleted objects, asked once. Reading it needs
 * {@code s3:GetBucketVersioning}, beyond the core policy: without it the answer is "not versioned" and the
 * missing permission is logged once.
 */
final class BucketVersioning {

    private final ObjectRequests operations;
    private volatile Boolean versioned;

    BucketVersioning(ObjectRequests operations) {
        this.operations = operations;
    }

    boolean versioned() {
        Boolean known = versioned;
        if (known == null) {
            known = ask();
            versioned = known;
        }
        return known;
    }

    private boolean ask() {
        try {
            return operations.optional("s3:GetBucketVersioning", "Pruning cannot say whether deleted versions stay "
                            + "in the bucket as noncurrent versions.", "reading the bucket's versioning",
                    () -> operations.client().getBucketVersioning(b -> b.bucket(operations.target().bucket()))
                            .status() == BucketVersioningStatus.ENABLED,
                    () -> false);
        } catch (StoreUnavailableException e) {
            // S3-compatible servers without versioning (S3Proxy's filesystem backend) answer 501 Not Implemented.
            return false;
        }
    }
}
