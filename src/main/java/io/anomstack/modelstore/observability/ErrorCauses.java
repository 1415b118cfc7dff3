package io.anomstack.modelstore.observability;

import io.anomstack.modelstore.catalog.UploadInterruptedException;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.connector.ClientAbortException;

import java.util.Map;

/**
 * The {@code cause} tag of {@code modelstore.errors}. Whoever writes a problem detail records its type on the request
 * ({@link #recordProblem}); the request filter turns it into a cause once the answer is out. The problem types stay
 * the one place where errors are classified: this only groups them into a few causes worth an alarm.
 */
public final class ErrorCauses {

    private static final String ATTRIBUTE = ErrorCauses.class.getName() + ".problem-type";
    private static final String TYPE_BASE = "urn:anomstack:model-store:problem:";
    private static final Map<String, String> BY_PROBLEM_TYPE = Map.ofEntries(
            Map.entry("invalid-name", "validation"),
            Map.entry("invalid-request", "validation"),
            Map.entry("malformed-request", "validation"),
            Map.entry("range-not-satisfiable", "validation"),
            Map.entry("model-too-large", "too_large"),
            Map.entry("not-found", "not_found"),
            Map.entry("version-conflict", "conflict"),
            Map.entry("version-in-use", "conflict"),
            Map.entry("idempotency-key-in-use", "conflict"),
            Map.entry("idempotency-key-reused", "validation"),
            Map.entry("bucket-management-disabled", "conflict"),
            Map.entry("model-archived", "archived"),
            Map.entry("unauthenticated", "auth"),
            Map.entry("forbidden", "auth"),
            Map.entry("digest-mismatch", "digest_mismatch"),
            Map.entry("upload-interrupted", "client_abort"),
            Map.entry("too-many-uploads", "too_many_uploads"),
            Map.entry("shutting-down", "shutdown"),
            Map.entry("s3-access", "s3_access_denied"),
            Map.entry("s3-unavailable", "s3_unavailable"),
            Map.entry("internal-error", "internal"));

    private ErrorCauses() {
    }

    /** Notes the type of the problem detail answered to this request (a full URN or {@code about:blank}). */
    public static void recordProblem(HttpServletRequest request, String type) {
        request.setAttribute(ATTRIBUTE, type);
    }

    /** The cause of an error answer, from the recorded problem type or else from the status. */
    static String of(HttpServletRequest request, int status) {
        Object type = request.getAttribute(ATTRIBUTE);
        if (type instanceof String urn && urn.startsWith(TYPE_BASE)) {
            String cause = BY_PROBLEM_TYPE.get(urn.substring(TYPE_BASE.length()));
            if (cause != null) {
                return cause;
            }
        }
        // Spring MVC's own problems (about:blank): unknown route, wrong method or media type, unreadable parameter.
        if (status == 404) {
            return "not_found";
        }
        return status >= 500 ? "internal" : "validation";
    }

    /** The cause of a request that ended with an exception instead of an answer (a transfer broken off midway). */
    static String of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ClientAbortException || cause instanceof UploadInterruptedException) {
                return "client_abort";
            }
        }
        return "internal";
    }
}
