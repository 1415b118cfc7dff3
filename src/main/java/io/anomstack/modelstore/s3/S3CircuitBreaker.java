package io.anomstack.modelstore.s3;

import io.anomstack.modelstore.catalog.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Fails requests fast while S3 is down. Without it every request to a dead or hanging S3 holds a request thread for
 * its connection or read timeouts and all its retries, so the threads pile up and callers wait for an answer that is
 * known in advance. After {@code failures} requests in a row failed as unavailable (connection errors, timeouts, 5xx,
 * throttling, each after the SDK's retries) within {@code window}, the breaker opens: requests are rejected at once,
 * without touching S3. After {@code coolDown} one probe request goes through (half-open); its success closes the
 * breaker, its failure opens it for another cool-down. Any answer from S3 that is not "unavailable" (a 404, a 403)
 * counts as success: S3 is up.
 * <p>
 * A request that failed because S3 timed out on it (silent for the silence bound on its last attempts) opens the
 * breaker at once: a hung S3 holds each request for its timeouts, so waiting for {@code failures} of them would hold
 * that many callers in turn, and the clean-up a failed upload sends (an abort, a delete) as long again.
 */
public final class S3CircuitBreaker {

    private static final Logger log = LoggerFactory.getLogger(S3CircuitBreaker.class);

    /** Ordered by severity; the gauge reports the ordinal. */
    public enum State { CLOSED, HALF_OPEN, OPEN }

    private final String name;
    private final CircuitBreakerProperties settings;
    private final LongSupplier nanoClock;

    private State state = State.CLOSED;
    private int failures;
    private long firstFailureAt;
    private long openedAt;
    private boolean probing;
    private long rejected;

    /** @param name what the breaker guards, for its messages: {@code S3 (region eu-west-1)} */
    S3CircuitBreaker(String name, CircuitBreakerProperties settings, LongSupplier nanoClock) {
        this.name = name;
        this.settings = settings;
        this.nanoClock = nanoClock;
    }

    public S3CircuitBreaker(String name, CircuitBreakerProperties settings) {
        this(name, settings, System::nanoTime);
    }

    /** Runs {@code request} unless the breaker is open, and records whether S3 was available for it. */
    <T> T call(Supplier<T> request) {
        if (!settings.enabled()) {
            return request.get();
        }
        boolean probe = admit();
        boolean unavailable = false;
        boolean timedOut = false;
        try {
            return request.get();
        } catch (StoreUnavailableException e) {
            unavailable = true;
            timedOut = S3Errors.isTimeout(e);
            throw e;
        } finally {
            record(probe, unavailable, timedOut);
        }
    }

    /** The state as of now: an open breaker whose cool-down is over lets the next request probe. */
    public synchronized State state() {
        if (state == State.OPEN && nanoClock.getAsLong() - openedAt >= settings.coolDown().toNanos()) {
            return State.HALF_OPEN;
        }
        return state;
    }

    /** Why the breaker is open, or null while it is closed. */
    public synchronized String problem() {
        return state == State.CLOSED ? null : rejection().getMessage();
    }

    /** Requests rejected without asking S3, since start-up. */
    synchronized long rejected() {
        return rejected;
    }

    /** @return whether the admitted request is the half-open probe */
    private synchronized boolean admit() {
        State now = state();
        if (now == State.CLOSED) {
            return false;
        }
        if (now == State.HALF_OPEN && !probing) {
            state = State.HALF_OPEN;
            probing = true;
            return true;
        }
        rejected++;
        throw rejection();
    }

    private synchronized void record(boolean probe, boolean unavailable, boolean timedOut) {
        long now = nanoClock.getAsLong();
        if (!unavailable) {
            // S3 answered, whatever it said: it is up.
            if (state != State.CLOSED) {
                log.info("{} answers again: requests go through (circuit breaker closed)", name);
            }
            state = State.CLOSED;
            probing = false;
            failures = 0;
            return;
        }
        if (probe) {
            probing = false;
            open(now);
            log.warn("{} still fails: the probe request failed too; requests fail fast for another {}s", name,
                    settings.coolDown().toSeconds());
            return;
        }
        if (state != State.CLOSED) {
            return;
        }
        if (failures == 0 || now - firstFailureAt > settings.window().toNanos()) {
            failures = 0;
            firstFailureAt = now;
        }
        failures++;
        if (timedOut) {
            open(now);
            log.warn("{} stayed silent on a request until its timeouts: requests fail fast for {}s, then one probe "
                    + "tries again (circuit breaker open)", name, settings.coolDown().toSeconds());
        } else if (failures >= settings.failures()) {
            open(now);
            log.warn("{} failed {} request(s) in a row: requests fail fast for {}s, then one probe tries again "
                    + "(circuit breaker open)", name, settings.failures(), settings.coolDown().toSeconds());
        }
    }

    private void open(long now) {
        state = State.OPEN;
        openedAt = now;
        failures = 0;
    }

    private StoreUnavailableException rejection() {
        Duration left = Duration.ofNanos(Math.max(0, settings.coolDown().toNanos() - (nanoClock.getAsLong() - openedAt)));
        long seconds = StoreUnavailableException.wholeSeconds(left);
        return new StoreUnavailableException(name + " is unavailable: its recent requests failed or timed out, so the "
                + "service answers at once instead of waiting for it. Retry in "
                + seconds + (seconds == 1 ? " second." : " seconds."), null, left);
    }
}
