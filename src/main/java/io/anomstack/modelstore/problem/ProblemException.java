package io.anomstack.modelstore.problem;

import org.jspecify.annotations.Nullable;

import java.time.Duration;

/**
 * Base of the exceptions that are answered to the API's client: the message is the problem detail's {@code detail},
 * and the {@link ProblemType} it carries gives the answer's status, title and type, whatever the exception's class.
 * Subclasses add only what their answer says beyond that (a wait before retrying, archive hints, a range).
 */
public abstract class ProblemException extends RuntimeException {

    /** What a client is told to wait before retrying a refusal that clears up by itself within seconds. */
    protected static final Duration RETRY_SOON = Duration.ofSeconds(5);

    private final ProblemType problemType;

    protected ProblemException(ProblemType problemType, String message) {
        super(message);
        this.problemType = problemType;
    }

    protected ProblemException(ProblemType problemType, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.problemType = problemType;
    }

    /** How this exception is answered. */
    public final ProblemType problemType() {
        return problemType;
    }

    /** How long the client should wait before sending the same request again (Retry-After), if sending it again can help. */
    public @Nullable Duration retryAfter() {
        return null;
    }

    /** A wait in whole seconds, as HTTP's Retry-After carries it: rounded up and at least one, so no one comes back early. */
    public static long wholeSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
