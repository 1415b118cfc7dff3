package io.anomstack.modelstore.s3api;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The S3 errors this endpoint answers with; S3Proxy renders each as S3's XML error document. */
final class S3Answers {

    private S3Answers() {
    }

    static S3Exception error(int status, String code, String message) {
        return (S3Exception) S3Exception.builder()
                .message(code + ": " + message)
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
                        .build())
                .build();
    }

    static NoSuchKeyException noSuchKey(String key) {
        return NoSuchKeyException.builder()
                .message("NoSuchKey: " + key)
                .statusCode(404)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("NoSuchKey")
                        .errorMessage("The specified key does not exist.")
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(404).build())
                        .build())
                .build();
    }

    static S3Exception noSuchVersion(String versionId) {
        return error(404, "NoSuchVersion", "The version '" + versionId + "' does not exist.");
    }

    static S3Exception noSuchBucket(String bucket) {
        return error(404, "NoSuchBucket", "The specified bucket does not exist: this endpoint serves one bucket, not '"
                + bucket + "'.");
    }

    static S3Exception noSuchUpload() {
        return error(404, "NoSuchUpload", "The specified multipart upload does not exist.");
    }

    static S3Exception accessDenied(String message) {
        return error(403, "AccessDenied", message);
    }

    static S3Exception invalidArgument(String message) {
        return error(400, "InvalidArgument", message);
    }

    static S3Exception notImplemented(String message) {
        return error(501, "NotImplemented", message);
    }

    static S3Exception badDigest() {
        return error(400, "BadDigest", "The Content-MD5 you specified did not match what was received.");
    }

    /** A failed precondition without a code: S3Proxy answers 304 or 412 as the request's conditions ask. */
    static S3Exception preconditionFailed(String eTag) {
        return (S3Exception) S3Exception.builder().message("precondition failed").statusCode(412)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(412).putHeader("ETag", eTag).build())
                        .build())
                .build();
    }

    /** An unsatisfiable range without a code: S3Proxy answers InvalidRange. */
    static S3Exception invalidRange() {
        return (S3Exception) S3Exception.builder().message("range not satisfiable").statusCode(416).build();
    }
}
