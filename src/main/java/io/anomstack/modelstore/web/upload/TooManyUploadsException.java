package io.anomstack.modelstore.web.upload;

import io.anomstack.modelstore.problem.ProblemException;
import io.anomstack.modelstore.problem.ProblemType;

import java.time.Duration;

/** Every upload slot of this instance is taken: the client should retry shortly (429). */
public class TooManyUploadsException extends ProblemException {

    TooManyUploadsException(int limit) {
        super(ProblemType.TOO_MANY_UPLOADS, "This instance is already receiving " + limit + " uploads, its limit "
                + "(MODELSTORE_MAX_CONCURRENT_UPLOADS). Retry after the time in Retry-After; nothing was stored.");
    }

    @Override
    public Duration retryAfter() {
        return RETRY_SOON;
    }
}
