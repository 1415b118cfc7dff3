package io.anomstack.modelstore.web.upload;

import io.anomstack.modelstore.problem.ProblemException;
import io.anomstack.modelstore.problem.ProblemType;

import java.time.Duration;

/** The shutdown grace period ended before this upload did: it was aborted and nothing was stored (503). */
public class ShuttingDownException extends ProblemException {

    ShuttingDownException(Throwable cause) {
        super(ProblemType.SHUTTING_DOWN, "The service is shutting down and its grace period ended before this upload "
                + "did; the upload was aborted and nothing was stored. Retry: another instance, or this one once "
                + "restarted, takes it.", cause);
    }

    @Override
    public Duration retryAfter() {
        return RETRY_SOON;
    }
}
