package io.anomstack.modelstore.bucket;

import io.anomstack.modelstore.catalog.ModelStoreException;
import io.anomstack.modelstore.problem.ProblemType;

/** A reconciliation was asked for while bucket management is off. */
public class BucketManagementDisabledException extends ModelStoreException {

    public BucketManagementDisabledException() {
        super(ProblemType.BUCKET_MANAGEMENT_DISABLED,
                "Bucket management is off, so the service changes nothing in the bucket's configuration. "
                + "Set MODELSTORE_BUCKET_MANAGE=true to let it; GET /api/v1/admin/bucket shows the configuration either way.");
    }
}
