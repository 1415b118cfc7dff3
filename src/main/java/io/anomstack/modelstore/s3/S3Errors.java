package io.anomstack.modelstore.s3;

import io.anomstack.modelstore.catalog.StoreAccessException;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.InvalidObjectStateException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.SocketTimeoutException;
import java.util.Set;

/** Turns S3 SDK failures into the service's own: unavailable (retry later) or access (fix the deployment). */
public final class S3Errors {

    private static final Set<String> CREDENTIAL_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "ExpiredToken", "InvalidToken", "TokenRefreshRequired");
    private static final Set<String> REGION_CODES = Set.of("PermanentRedirect", "AuthorizationHeaderMalformed",
            "IllegalLocationConstraintException");

    private S3Errors() {
    }

    static RuntimeException translate(SdkException e, S3Location target, String action) {
        String where = target.describe();
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            int status = s3.statusCode();
            if (isArchived(e)) {
                return archived(s3, where, action);
            }
            if ("NoSuchBucket".equals(code)) {
                return new StoreAccessException("The " + where + " does not exist (while " + action + "). "
                        + "Create it or fix S3_BUCKET_NAME / AWS_REGION.", e);
            }
            if (isCredentialCode(code)) {
                return new StoreAccessException("S3 rejected the service's credentials (" + code + ") for the " + where
                        + " while " + action + ". Check the AWS credentials the service runs with.", e);
            }
            if ((code != null && REGION_CODES.contains(code)) || status == 301) {
                return new StoreAccessException("The " + where + " answered that the bucket is in another region ("
                        + code + ") while " + action + ". Set AWS_REGION to the bucket's region.", e);
            }
            if (status == 403) {
                return new StoreAccessException("S3 denied access (" + code + ") to the " + where + " while " + action
                        + ". The service's IAM identity needs s3:GetObject, s3:PutObject, s3:DeleteObject, "
                        + "and s3:ListBucket on it (and kms:GenerateDataKey/kms:Decrypt with SSE-KMS).", e);
            }
            if (status >= 500 || status == 429) {
                return new StoreUnavailableException("S3 is unavailable (" + status + " " + code + ") for the " + where
                        + " while " + action + "; retry shortly.", e);
            }
            return new StoreAccessException("S3 refused a request to the " + where + " while " + action + " ("
                    + status + " " + code + ").", e);
        }
        if (e instanceof SdkClientException) {
            return new StoreUnavailableException("S3 could not be reached for the " + where + " while " + action
                    + " (" + rootMessage(e) + "); retry shortly.", e);
        }
        return new StoreUnavailableException("S3 failed for the " + where + " while " + action + " (" + rootMessage(e) + ").", e);
    }

    /**
     * Whether a request failed because S3 stayed silent: no byte of its answer within the silence bound (read timeout),
     * or no connection within the connect timeout. Anywhere in the causes: the SDK wraps the socket's exception.
     */
    public static boolean isTimeout(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Whether an S3 error code says the credentials themselves were refused (not a permission they lack). */
    static boolean isCredentialCode(String code) {
        return code != null && CREDENTIAL_CODES.contains(code);
    }

    /** Whether a request failed because the IAM identity may not make it (translated or not). */
    static boolean isAccessDenied(Throwable e) {
        return causeOf(e) instanceof S3Exception s3 && s3.statusCode() == 403 && s3.awsErrorDetails() != null
                && "AccessDenied".equals(s3.awsErrorDetails().errorCode());
    }

    /** Whether the S3 server does not implement a request at all (S3-compatible servers: 501 NotImplemented). */
    static boolean isNotImplemented(Throwable e) {
        return causeOf(e) instanceof S3Exception s3 && s3.statusCode() == 501;
    }

    private static Throwable causeOf(Throwable e) {
        return e instanceof SdkException || e.getCause() == null ? e : e.getCause();
    }

    /** S3's answer to reading an archived object: 403 InvalidObjectState. */
    static boolean isArchived(SdkException e) {
        return e instanceof InvalidObjectStateException || e instanceof S3Exception s3 && s3.statusCode() == 403
                && s3.awsErrorDetails() != null && "InvalidObjectState".equals(s3.awsErrorDetails().errorCode());
    }

    private static ObjectArchivedException archived(S3Exception e, String where, String action) {
        // The modeled exception carries the StorageClass and AccessTier elements of S3's error document.
        String storageClass = e instanceof InvalidObjectStateException state ? state.storageClassAsString() : null;
        String accessTier = e instanceof InvalidObjectStateException state ? state.accessTierAsString() : null;
        return new ObjectArchivedException("An object of the " + where + " is archived"
                + (storageClass == null ? "" : " in " + storageClass) + " and S3 refuses to read it (while " + action
                + "). The service's metadata documents, pointers and aliases must stay readable: keep lifecycle "
                + "transitions to archive classes away from them (S3's default 128 KB minimum object size for "
                + "transitions does).", storageClass, accessTier, e);
    }

    public static boolean isPreconditionFailure(SdkException e) {
        // 409 ConditionalRequestConflict: a concurrent conditional write to the same key is in progress.
        return e instanceof S3Exception s3 && (s3.statusCode() == 412 || s3.statusCode() == 409);
    }

    public static boolean isNotFound(SdkException e) {
        return e instanceof S3Exception s3 && s3.statusCode() == 404
                && !(s3.awsErrorDetails() != null && "NoSuchBucket".equals(s3.awsErrorDetails().errorCode()));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
