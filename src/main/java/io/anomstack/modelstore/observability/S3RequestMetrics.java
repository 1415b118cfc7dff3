package io.anomstack.modelstore.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.concurrent.TimeUnit;

/**
 * Latency and outcome of every S3 call, by S3 operation ({@code modelstore.s3.requests}): the S3 clients pick up every
 * {@link ExecutionInterceptor} bean. One sample per call, retries included, as the service experiences it.
 */
@Component
class S3RequestMetrics implements ExecutionInterceptor {

    private static final ExecutionAttribute<Long> START = new ExecutionAttribute<>("modelstore.s3.start");
    private static final ExecutionAttribute<Integer> ATTEMPTS = new ExecutionAttribute<>("modelstore.s3.attempts");

    private final MeterRegistry registry;

    S3RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(START, System.nanoTime());
    }

    /** Called once per attempt: every attempt after the first is a retry (throttling, 5xx, a broken connection). */
    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Integer before = attributes.getAttribute(ATTEMPTS);
        int attempts = before == null ? 1 : before + 1;
        attributes.putAttribute(ATTEMPTS, attempts);
        if (attempts > 1) {
            registry.counter("modelstore.s3.retries", "operation",
                    String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))).increment();
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(attributes, context.httpResponse().statusCode());
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        // No status: S3 was not reached (connection refused, timeout) or the call was cancelled.
        record(attributes, context.exception() instanceof SdkServiceException service ? service.statusCode() : 0);
    }

    private void record(ExecutionAttributes attributes, int status) {
        Long start = attributes.getAttribute(START);
        if (start == null) {
            return;
        }
        String outcome = status == 0 ? "io_error" : status < 400 ? "success" : status < 500 ? "client_error" : "server_error";
        Timer.builder("modelstore.s3.requests")
                .description("S3 calls by operation, outcome and HTTP status (0: no answer)")
                .tag("operation", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)))
                .tag("outcome", outcome)
                .tag("status", Integer.toString(status))
                .register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
}
