package io.anomstack.modelstore.s3api;

import io.anomstack.modelstore.problem.ProblemException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** The catalog's exceptions as S3 errors: the same causes the REST API answers as problems. */
final class CatalogErrors {

    private CatalogErrors() {
    }

    /** The S3 error for a failure of a request on {@code key}; anything that is not the catalog's passes unchanged. */
    static RuntimeException translate(RuntimeException failure, String key) {
        if (failure instanceof AwsServiceException || !(failure instanceof ProblemException problem)) {
            return failure;
        }
        String message = problem.getMessage();
        return switch (problem.problemType()) {
            case NOT_FOUND -> S3Answers.noSuchKey(key);
            case INVALID_NAME, INVALID_REQUEST, MALFORMED_REQUEST -> S3Answers.invalidArgument(message);
            case UPLOAD_INTERRUPTED -> S3Answers.error(400, "IncompleteBody", message);
            case FORBIDDEN, UNAUTHENTICATED -> S3Answers.accessDenied(message);
            case VERSION_CONFLICT, VERSION_IN_USE, IDEMPOTENCY_KEY_IN_USE, BUCKET_MANAGEMENT_DISABLED ->
                    S3Answers.error(409, "OperationAborted", message);
            case MODEL_ARCHIVED -> S3Answers.error(403, "InvalidObjectState", message);
            case MODEL_TOO_LARGE -> S3Answers.error(400, "EntityTooLarge", message);
            case RANGE_NOT_SATISFIABLE -> S3Answers.invalidRange();
            case DIGEST_MISMATCH -> S3Answers.badDigest();
            case UNSAFE_PICKLE -> S3Answers.error(400, "InvalidRequest", message);
            case TOO_MANY_UPLOADS -> S3Answers.error(503, "SlowDown", message);
            case S3_UNAVAILABLE, SHUTTING_DOWN -> S3Answers.error(503, "ServiceUnavailable", message);
            default -> S3Answers.error(500, "InternalError", message);
        };
    }
}
