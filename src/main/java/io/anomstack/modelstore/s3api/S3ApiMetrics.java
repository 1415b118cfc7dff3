package io.anomstack.modelstore.s3api;

import io.anomstack.modelstore.security.AuditOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * {@code modelstore.s3api.requests}: a timer of the S3 API's requests by S3 action and outcome, the S3 door's
 * counterpart of the REST API's request meters. A GetObject is timed until its body starts to flow.
 */
final class S3ApiMetrics {

    private final MeterRegistry registry;

    S3ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String action, int status, long nanos) {
        Timer.builder("modelstore.s3api.requests")
                .description("Requests to the S3 API, by S3 action and outcome")
                .tag("action", action)
                .tag("outcome", AuditOutcome.of(status))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
