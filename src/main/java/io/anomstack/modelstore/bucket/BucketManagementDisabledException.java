package io.anomstack.modelstore.bucket;

import io.anomstack.modelstore.catalog.ModelStoreException;

/** A reconciliation was asked for while bucket management is off. */
public class BucketManagementDisabledException extends ModelStoreException {

    public BucketManagementDisabledException() {
        super("Bucket management is off, so the service changes nothing in the bucket's configuration. "
                + "Set MODELSTORE_BUCKET_MANAGE=true to let it; GET /api/v1/admin/bucket shows the configuration either way.");
    }
}
