package io.anomstack.modelstore.web.upload;

import io.anomstack.modelstore.problem.ProblemException;
import io.anomstack.modelstore.problem.ProblemType;

import java.time.Duration;
import java.util.Locale;

/** The uploads this instance receives already hold so much of its upload memory that this one does not fit (429). */
public class TooManyUploadsException extends ProblemException {

    TooManyUploadsException(long asked, long inUse, long budget) {
        super(ProblemType.TOO_MANY_UPLOADS, "This upload needs " + mib(asked) + " of memory, but the uploads this "
                + "instance is receiving already hold " + mib(inUse) + " of its " + mib(budget) + " upload budget "
                + "(MODELSTORE_UPLOAD_MEMORY_BUDGET). Retry after the time in Retry-After; nothing was stored. An upload "
                + "with a Content-Length of at most a quarter of a part needs only about its size.");
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    @Override
    public Duration retryAfter() {
        return RETRY_SOON;
    }
}
