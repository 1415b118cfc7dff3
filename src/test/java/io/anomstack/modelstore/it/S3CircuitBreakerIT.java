package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.FaultInjectingProxy;
import io.anomstack.modelstore.support.FaultInjectingProxy.Fault;
import io.anomstack.modelstore.support.FaultInjectingProxy.Rule;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.TestData;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When S3 hangs, the service stops waiting for it: after a few failed requests the circuit breaker opens, readiness
 * goes DOWN, and requests are answered 503 at once instead of each holding a thread for its timeouts and retries.
 * When S3 answers again, one probe closes the breaker and everything works, without a restart.
 */
class S3CircuitBreakerIT {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    private static final int ATTEMPTS = 2;
    private static final int CONCURRENT = 32;

    @Test
    void aHangingS3OpensTheBreakerRequestsFailFastReadinessFollowsAndAllRecoversOnItsOwn() throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory();
             FaultInjectingProxy proxy = FaultInjectingProxy.start(backend.endpoint(), 7)) {
            String bucket = backend.createBucket("breaker");
            Map<String, Object> properties = new HashMap<>(backend.serviceProperties(bucket));
            properties.put("modelstore.s3.endpoint", proxy.endpoint().toString());
            properties.put("modelstore.cache.enabled", "false");
            properties.put("modelstore.s3.client.read-timeout", READ_TIMEOUT.toMillis() + "ms");
            properties.put("modelstore.s3.client.max-attempts", ATTEMPTS);
            properties.put("modelstore.s3.client.base-delay", "10ms");
            properties.put("modelstore.s3.circuit-breaker.failures", "3");
            properties.put("modelstore.s3.circuit-breaker.cool-down", "10s");
            try (RunningService service = RunningService.start(properties)) {
                ModelStoreClient client = new ModelStoreClient(service);
                String batch = TestData.batch();
                String latest = ModelStoreClient.path(batch, "cpu", null, "/latest");
                assertThat(client.uploadRaw(batch, "cpu", null, TestData.randomBytes(2048), null).statusCode()).isEqualTo(201);
                assertThat(service.get("/actuator/health/readiness").statusCode()).isEqualTo(200);

                proxy.rules(Rule.of(Fault.STALL, 1.0));
                long outage = System.nanoTime();
                ExecutorService callers = Executors.newFixedThreadPool(CONCURRENT);
                try {
                    // The first requests wait for S3's timeouts; their failures open the breaker.
                    for (int i = 0; i < 3; i++) {
                        callers.submit(() -> client.get(latest));
                    }
                    // A health check that was already waiting for S3 when the breaker opened still reports its timeout.
                    JsonNode down = awaitReadiness(service, body -> "open".equals(breakerOf(body))
                            && errorOf(body).contains("Retry in"), Duration.ofSeconds(30));
                    long secondsToDown = (System.nanoTime() - outage) / 1_000_000_000;
                    assertThat(down.get("status").asString()).isEqualTo("DOWN");
                    assertThat(down.get("components").get("s3").get("details").get("error").asString())
                            .contains("unavailable").contains("Retry in");

                    long s3RequestsBefore = proxy.requests();
                    List<Future<long[]>> answers = new ArrayList<>();
                    for (int i = 0; i < CONCURRENT; i++) {
                        answers.add(callers.submit(() -> {
                            long started = System.nanoTime();
                            HttpResponse<String> response = client.get(latest);
                            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                            assertThat(response.headers().firstValue("Retry-After")).isPresent();
                            assertThat(json(response.body()).get("detail").asString()).contains("Retry in");
                            return new long[] {(System.nanoTime() - started) / 1_000_000};
                        }));
                    }
                    long slowest = 0;
                    for (Future<long[]> answer : answers) {
                        slowest = Math.max(slowest, answer.get()[0]);
                    }
                    System.out.printf("S3CircuitBreakerIT figures: readiness DOWN %ds after S3 hung; %d concurrent requests "
                            + "answered 503 in at most %d ms (without the breaker each waits %d x %d ms)%n", secondsToDown,
                            CONCURRENT, slowest, ATTEMPTS, READ_TIMEOUT.toMillis());
                    assertThat(secondsToDown).isLessThan(20);
                    assertThat(slowest).as("less than one read timeout").isLessThan(READ_TIMEOUT.toMillis());
                    assertThat(proxy.requests() - s3RequestsBefore).as("requests that reached S3").isLessThanOrEqualTo(1);
                    MeterRegistry meters = service.context().getBean(MeterRegistry.class);
                    assertThat(meters.get("modelstore.s3.circuit_breaker.state").tag("region", "us-east-1").gauge().value())
                            .as("open").isEqualTo(2);
                    assertThat(meters.get("modelstore.s3.circuit_breaker.rejected").functionCounter().count())
                            .isGreaterThanOrEqualTo(CONCURRENT);
                } finally {
                    callers.shutdownNow();
                }

                proxy.rules();
                long back = System.nanoTime();
                JsonNode up = awaitReadiness(service, body -> "UP".equals(body.get("status").asString()), Duration.ofSeconds(30));
                System.out.printf("S3CircuitBreakerIT figures: readiness UP %d ms after S3 answered again%n",
                        (System.nanoTime() - back) / 1_000_000);
                assertThat(breakerOf(up)).isEqualTo("closed");
                assertThat(client.download(latest).statusCode()).isEqualTo(200);
            }
        }
    }

    private static String breakerOf(JsonNode readiness) {
        JsonNode s3 = readiness.get("components").get("s3");
        return s3 == null || s3.get("details") == null ? null : s3.get("details").get("circuit_breaker").asString();
    }

    private static String errorOf(JsonNode readiness) {
        JsonNode error = readiness.get("components").get("s3").get("details").get("error");
        return error == null ? "" : error.asString();
    }

    private static JsonNode awaitReadiness(RunningService service, Predicate<JsonNode> condition, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = json(service.get("/actuator/health/readiness").body());
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("readiness never got there; last answer: " + last);
    }
}
