package io.anomstack.modelstore.bucket;

import java.util.List;

/** Looks at and reconciles the configuration of the buckets the service stores models in. */
public interface BucketAdmin {

    /** Whether bucket management is on ({@code MODELSTORE_BUCKET_MANAGE}). */
    boolean managed();

    /** Each bucket's configuration beside the desired one; reads only, also when management is off. */
    List<BucketReport> inspect();

    /**
     * Brings each bucket to the desired configuration, never failing as a whole: every step reports its own outcome.
     *
     * @throws BucketManagementDisabledException when management is off
     */
    List<ReconcileReport> reconcile();
}
