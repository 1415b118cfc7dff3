package io.anomstack.modelstore.bucket;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The parts of a bucket's configuration a reconciliation sets, in the order it sets them. */
public enum BucketStep {
    /** The bucket exists (created in its region when missing). */
    @JsonProperty("bucket") BUCKET,
    @JsonProperty("versioning") VERSIONING,
    @JsonProperty("public_access_block") PUBLIC_ACCESS_BLOCK,
    @JsonProperty("encryption") ENCRYPTION,
    /** The service's prefix-scoped lifecycle rules: noncurrent-version expiration and incomplete-upload abort. */
    @JsonProperty("lifecycle") LIFECYCLE,
    /** The service's tag-scoped rule moving superseded model versions to colder storage classes. */
    @JsonProperty("lifecycle_transitions") LIFECYCLE_TRANSITIONS
}
