package io.anomstack.modelstore.web.upload;

/** The shutdown grace period ended before this upload did: it was aborted and nothing was stored (503). */
public class ShuttingDownException extends RuntimeException {

    ShuttingDownException(Throwable cause) {
        super("The service is shutting down and its grace period ended before this upload did; the upload was aborted "
                + "and nothing was stored. Retry: another instance, or this one once restarted, takes it.", cause);
    }
}
