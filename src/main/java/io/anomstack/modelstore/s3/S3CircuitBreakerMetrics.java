package io.anomstack.modelstore.s3;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The circuit breakers' meters, per region: {@code modelstore.s3.circuit_breaker.state} (0 closed, 1 half-open,
 * 2 open: alarm on a maximum of 2) and {@code modelstore.s3.circuit_breaker.rejected}, the requests answered 503
 * without asking S3.
 */
public final class S3CircuitBreakerMetrics implements MeterBinder {

    private final S3Clients clients;

    public S3CircuitBreakerMetrics(S3Clients clients) {
        this.clients = clients;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        clients.breakers().forEach((region, breaker) -> {
            Gauge.builder("modelstore.s3.circuit_breaker.state", breaker, b -> b.state().ordinal())
                    .description("S3 circuit breaker: 0 closed, 1 half-open (probing), 2 open (failing fast)")
                    .tag("region", region)
                    .register(registry);
            FunctionCounter.builder("modelstore.s3.circuit_breaker.rejected", breaker, S3CircuitBreaker::rejected)
                    .description("Requests answered 503 at once because S3 was failing, without asking it")
                    .tag("region", region)
                    .register(registry);
        });
    }
}
