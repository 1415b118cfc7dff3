package io.anomstack.modelstore.observability;

import io.anomstack.modelstore.catalog.UploadInterruptedException;
import io.anomstack.modelstore.problem.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.connector.ClientAbortException;

/**
 * The {@code cause} tag of {@code modelstore.errors}. Whoever writes a problem detail puts its {@link ProblemType} on
 * the request ({@link ProblemType#REQUEST_ATTRIBUTE}); the request filter turns it into the type's
 * {@link ProblemType#errorCause()} once the answer is out, and falls back on the status for Spring MVC's own problems.
 */
final class ErrorCauses {

    private ErrorCauses() {
    }

    /** The cause of an error answer, from the recorded problem type or else from the status. */
    static String of(HttpServletRequest request, int status) {
        if (request.getAttribute(ProblemType.REQUEST_ATTRIBUTE) instanceof ProblemType type) {
            return type.errorCause();
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
