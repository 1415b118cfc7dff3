package io.anomstack.modelstore.s3;

/**
 * The resolved place models go to.
 *
 * @param bucket       the bucket
 * @param prefix       key prefix, empty or ending in {@code /}
 * @param region       the bucket's region
 * @param localMode    whether the bucket lives in the embedded S3 server
 * @param partSize     bytes per multipart-upload part
 */
public record S3Location(String bucket, String prefix, String region, boolean localMode, int partSize) {

    public String describe() {
        return "bucket '" + bucket + "' in region " + region;
    }
}
