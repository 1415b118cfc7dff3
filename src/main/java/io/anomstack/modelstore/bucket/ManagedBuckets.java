package io.anomstack.modelstore.bucket;

import java.util.List;

/**
 * The buckets bucket management works on. Today that is the service's one bucket; when batches get buckets of their
 * own, this is the one place that lists them (one entry per bucket, with every prefix stored under in it).
 */
@FunctionalInterface
interface ManagedBuckets {

    List<ManagedBucket> all();
}
