package io.anomstack.modelstore.catalog;

import io.anomstack.modelstore.problem.ProblemType;

import java.time.Duration;

/** The object store could not be reached or is overloaded right now; the same request may succeed later. */
public class StoreUnavailableException extends ModelStoreException {

    /** What callers are told to wait when nothing better is known: S3 outages are mostly short. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

    private final Duration retryAfter;

    public StoreUnavailableException(String message, Throwable cause) {
        this(message, cause, DEFAULT_RETRY_AFTER);
    }

    /** @param retryAfter how long a caller should wait before trying again */
    public StoreUnavailableException(String message, Throwable cause, Duration retryAfter) {
        super(ProblemType.S3_UNAVAILABLE, message, cause);
        this.retryAfter = retryAfter;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }

    /** {@link #retryAfter()} in whole seconds, as HTTP's Retry-After carries it. */
    public long retryAfterSeconds() {
        return wholeSeconds(retryAfter);
    }
}
