package io.anomstack.modelstore.storage;

/**
 * The resolved place models go to.
 *
 * @param bucket       the bucket
 * @param prefix       key prefix, empty or ending in {@code /}
 * @param region       the bucket's region
 * @param localMode    whether the bucket lives in the embedded S3 server
 * @param partSize     bytes per multipart-upload part
 */
record S3Target(String bucket, String prefix, String region, boolean localMode, int partSize) {

    String describe() {
        return "bucket '" + bucket + "' in region " + region;
    }
}
