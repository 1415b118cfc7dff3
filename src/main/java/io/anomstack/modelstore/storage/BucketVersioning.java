package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.StoreAccessException;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * Whether the bucket keeps noncurrent versions of deleted objects, asked once. Reading it needs
 * {@code s3:GetBucketVersioning}, beyond the core policy: without it the answer is "not versioned" and the
 * missing permission is logged once.
 */
final class BucketVersioning {

    private static final Logger log = LoggerFactory.getLogger(BucketVersioning.class);

    private final S3Operations operations;
    private volatile Boolean versioned;

    BucketVersioning(S3Operations operations) {
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
            return operations.call("reading the bucket's versioning", () -> operations.client()
                    .getBucketVersioning(b -> b.bucket(operations.target().bucket()))
                    .status() == BucketVersioningStatus.ENABLED);
        } catch (StoreAccessException e) {
            log.info("Cannot tell whether {} is versioned (grant s3:GetBucketVersioning to know): {}",
                    operations.target().describe(), e.getMessage());
            return false;
        } catch (StoreUnavailableException e) {
            // S3-compatible servers without versioning (S3Proxy's filesystem backend) answer 501 Not Implemented.
            return false;
        }
    }
}
