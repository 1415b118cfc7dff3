package io.anomstack.modelstore.s3api;

import io.anomstack.modelstore.security.AuditOutcome;
import io.anomstack.modelstore.security.Caller;
import io.anomstack.modelstore.security.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Who sent an S3 request, what their role and batch patterns let them do, and the audit line of every write: the
 * same rules and the same {@code audit} logger as the REST API.
 */
final class S3Caller {

    private static final Logger audit = LoggerFactory.getLogger("audit");

    private final Caller caller;
    private final S3ApiMetrics metrics;

    S3Caller(Caller caller, S3ApiMetrics metrics) {
        this.caller = caller;
        this.metrics = metrics;
    }

    String name() {
        return caller.name();
    }

    /** Whether the caller may read {@code batch}, for listings that leave out what it may not see. */
    boolean mayRead(String batch) {
        return caller.role() != null && caller.mayTouch(batch);
    }

    /**
     * @param batch the batch the request touches, or null for the bucket
     * @throws AwsServiceException AccessDenied, saying why
     */
    void require(Role role, String batch) {
        if (caller.role() == null || caller.role().compareTo(role) < 0) {
            throw S3Answers.accessDenied("'" + caller.name() + "' has the role " + label(caller.role()) + "; this takes the "
                    + label(role) + " role.");
        }
        if (batch != null && !caller.mayTouch(batch)) {
            throw S3Answers.accessDenied("The batch patterns " + caller.batches() + " of '" + caller.name()
                    + "' do not include batch '" + batch + "'.");
        }
    }

    /** Runs a write, meters it and logs it on the audit logger, allowed or not, with the version it created or removed. */
    <T> T audited(String action, String key, Supplier<T> write, Function<T, String> version) {
        long start = System.nanoTime();
        int status = 500;
        String created = null;
        try {
            T result = write.get();
            status = 200;
            created = version.apply(result);
            return result;
        } catch (AwsServiceException e) {
            status = e.statusCode();
            throw e;
        } finally {
            long nanos = System.nanoTime() - start;
            metrics.record(action, status, nanos);
            audit.info("caller={} role={} action=\"S3 {} {}\" query=\"\" version={} status={} outcome={} duration_ms={}",
                    caller.name(), label(caller.role()), action, key, created == null ? "-" : created, status,
                    AuditOutcome.of(status), nanos / 1_000_000);
        }
    }

    /** Runs a read and meters it. */
    <T> T timed(String action, Supplier<T> read) {
        long start = System.nanoTime();
        int status = 500;
        try {
            T result = read.get();
            status = 200;
            return result;
        } catch (AwsServiceException e) {
            status = e.statusCode();
            throw e;
        } finally {
            metrics.record(action, status, System.nanoTime() - start);
        }
    }

    private static String label(Role role) {
        return role == null ? "none" : role.name().toLowerCase(Locale.ROOT);
    }
}
