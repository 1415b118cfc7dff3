package io.anomstack.modelstore.s3;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.Set;

/**
 * Why S3 did not do a bucket-configuration request, in the terms bucket management reports: a missing permission,
 * a feature the server does not implement, a configuration that is not set, a missing bucket, or anything else.
 */
public record S3Refusal(Kind kind, String message) {

    public enum Kind { DENIED, UNSUPPORTED, NOT_CONFIGURED, NO_SUCH_BUCKET, FAILED }

    /** What S3 answers when a bucket has no configuration of that kind: that is a state, not an error. */
    private static final Set<String> NOT_CONFIGURED_CODES = Set.of("NoSuchLifecycleConfiguration",
            "ServerSideEncryptionConfigurationNotFoundError", "NoSuchPublicAccessBlockConfiguration");

    public static S3Refusal of(SdkException e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            int status = s3.statusCode();
            String answer = status + (code == null ? "" : " " + code);
            if (code != null && NOT_CONFIGURED_CODES.contains(code)) {
                return new S3Refusal(Kind.NOT_CONFIGURED, answer);
            }
            if ("NoSuchBucket".equals(code) || (status == 404 && code == null)) {
                // HeadBucket's 404 has no body, hence no code.
                return new S3Refusal(Kind.NO_SUCH_BUCKET, answer);
            }
            if (status == 501 || "NotImplemented".equals(code) || "MethodNotAllowed".equals(code)) {
                return new S3Refusal(Kind.UNSUPPORTED, answer);
            }
            // A 403 about the credentials themselves is not a permission the identity lacks.
            if (status == 403 && !S3Errors.isCredentialCode(code)) {
                return new S3Refusal(Kind.DENIED, answer);
            }
            String message = s3.awsErrorDetails() == null ? s3.getMessage() : s3.awsErrorDetails().errorMessage();
            return new S3Refusal(Kind.FAILED, "S3 answered " + answer + ": " + message);
        }
        if (e instanceof SdkClientException) {
            return new S3Refusal(Kind.FAILED, "S3 could not be reached: " + e.getMessage());
        }
        return new S3Refusal(Kind.FAILED, e.getMessage());
    }
}
