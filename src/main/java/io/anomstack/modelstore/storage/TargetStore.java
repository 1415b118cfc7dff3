package io.anomstack.modelstore.storage;

/**
 * The catalog's S3 machinery for one storage target (bucket, region, prefix): the requests, the key layout, the
 * latest pointers, the aliases, the uploader and the superseded tags, all bound to that bucket and prefix.
 */
record TargetStore(S3Operations operations, S3KeyLayout layout, LatestPointers pointers, ModelAliases aliases,
                   BucketVersioning versioning, StreamingUploader uploader, SupersededTagging tagging) {

    S3Target target() {
        return operations.target();
    }
}
