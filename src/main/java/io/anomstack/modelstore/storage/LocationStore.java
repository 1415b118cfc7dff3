package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.S3Location;

/**
 * The catalog's S3 machinery for one storage target (bucket, region, prefix): the requests, the key layout, the
 * version sequences, the latest pointers, the aliases, the uploader and the superseded tags, all bound to that bucket and prefix.
 */
public record LocationStore(ObjectRequests operations, S3KeyLayout layout, VersionSequence sequence, LatestPointers pointers,
                            ModelAliases aliases, BucketVersioning versioning, StreamingUploader uploader,
                            SupersededTag tagging) {

    public S3Location target() {
        return operations.target();
    }
}
