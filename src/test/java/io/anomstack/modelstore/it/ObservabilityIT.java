package io.anomstack.modelstore.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.anomstack.modelstore.support.CloudWatchStub;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metrics reach CloudWatch (a local stub speaking the SDK's protocol) with the curated names, units and dimensions and
 * nothing else; the same meters and more are on /actuator/prometheus; requests carry ids into the request log; the
 * Kubernetes probes answer, readiness following S3.
 */
class ObservabilityIT {

    private static S3ProxyBackend backend;

    @BeforeAll
    static void startBackend() {
        backend = S3ProxyBackend.inMemory();
    }

    @AfterAll
    static void stopBackend() throws Exception {
        backend.close();
    }

    @Test
    void publishesTheCuratedMetersToCloudWatchAndEverythingToPrometheus() throws Exception {
        ListAppender<ILoggingEvent> requestLog = new ListAppender<>();
        requestLog.start();
        Logger requestLogger = (Logger) LoggerFactory.getLogger("request");
        try (CloudWatchStub cloudWatch = new CloudWatchStub()) {
            Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("observed")));
            properties.put("modelstore.metrics.cloudwatch-enabled", "true");
            properties.put("modelstore.metrics.batch-tags", "watched");
            properties.put("management.cloudwatch.metrics.export.step", "1s");
            properties.put("spring.cloud.aws.cloudwatch.endpoint", cloudWatch.endpoint().toString());
            try (RunningService service = RunningService.start(properties)) {
                // Attached once started: Boot resets the logging configuration at start-up.
                requestLogger.addAppender(requestLog);
                ModelStoreClient client = new ModelStoreClient(service);
                byte[] model = "a model that compresses well ".repeat(2000).getBytes();
                assertThat(client.uploadRaw("watched", "cpu", null, model, null).statusCode()).isEqualTo(201);
                assertThat(client.uploadRaw("unwatched", "cpu", null, model, null).statusCode()).isEqualTo(201);
                assertThat(client.download("/api/v1/models/watched/cpu/latest").body()).isEqualTo(model);
                assertThat(client.get("/api/v1/models/watched/nothing/latest").statusCode()).isEqualTo(404);
                HttpResponse<String> traced = service.send(HttpRequest.newBuilder(service.uri("/api/v1/models"))
                        .header("X-Request-Id", "trace-me-42").GET());
                assertThat(traced.headers().firstValue("X-Request-Id")).hasValue("trace-me-42");
                assertThat(client.get("/api/v1/models").headers().firstValue("X-Request-Id")).isPresent();

                // Gauges are published as name.value, timers and summaries as name.count/.sum/.max/.avg.
                List<Map<String, Object>> data = awaitMetricData(cloudWatch, Set.of("modelstore.upload.count",
                        "modelstore.upload.sum", "modelstore.upload.max", "modelstore.download.count",
                        "modelstore.upload.bytes.sum", "modelstore.download.bytes.sum", "modelstore.errors.count",
                        "modelstore.s3.requests.count", "modelstore.uploads.in_flight.value",
                        "modelstore.uploads.memory.reserved.value", "modelstore.uploads.memory.budget.value",
                        "modelstore.cache.hit_ratio.value", "modelstore.upload.percentile.value", "jvm.memory.used.value"));
                Set<String> names = data.stream().map(d -> (String) d.get("MetricName")).collect(Collectors.toCollection(TreeSet::new));
                assertThat(cloudWatch.calls()).allSatisfy(call ->
                        assertThat(call.input()).containsEntry("Namespace", "AnomstackModelStore"));
                // Denied: everything outside the allow-list, however useful elsewhere.
                assertThat(names).noneMatch(name -> name.startsWith("http.server.requests") || name.startsWith("cache.")
                        || name.startsWith("tomcat.") || name.startsWith("jvm.classes") || name.startsWith("executor."));

                assertThat(unit(data, "modelstore.upload.sum")).isEqualTo("Milliseconds");
                assertThat(unit(data, "modelstore.upload.count")).isEqualTo("Count");
                assertThat(unit(data, "modelstore.upload.bytes.sum")).isEqualTo("Bytes");
                assertThat(dimensionSets(data, "modelstore.upload.count")).contains(
                        Map.of("batch", "watched", "outcome", "success"), Map.of("batch", "other", "outcome", "success"));
                assertThat(dimensionSets(data, "modelstore.upload.bytes.sum")).contains(
                        Map.of("batch", "watched", "kind", "original"), Map.of("batch", "watched", "kind", "stored"));
                assertThat(dimensionSets(data, "modelstore.errors.count")).contains(
                        Map.of("batch", "watched", "operation", "download", "cause", "not_found"));
                assertThat(dimensionSets(data, "modelstore.upload.percentile.value"))
                        .anySatisfy(dimensions -> assertThat(dimensions).containsEntry("phi", "0.99"));
                assertThat(dimensionSets(data, "modelstore.s3.requests.count"))
                        .anySatisfy(dimensions -> assertThat(dimensions).containsEntry("operation", "PutObject")
                                .containsEntry("outcome", "success").containsEntry("status", "200"));

                String prometheus = service.get("/actuator/prometheus").body();
                assertThat(prometheus).contains("modelstore_upload_seconds_count", "modelstore_errors_total",
                        "http_server_requests_seconds_count", "cache_gets_total");
                // Spring Security's per-filter observations are off: they cost a quarter of a small request's CPU.
                assertThat(prometheus).doesNotContain("spring_security_filterchains", "spring_security_authorizations");
            }
        } finally {
            requestLogger.detachAppender(requestLog);
        }
        assertThat(requestLog.list).anySatisfy(event -> {
            assertThat(event.getMDCPropertyMap()).containsEntry("request_id", "trace-me-42");
            assertThat(event.getFormattedMessage()).startsWith("list GET /api/v1/models -> 200 principal=anonymous");
        });
        assertThat(requestLog.list).anySatisfy(event ->
                assertThat(event.getFormattedMessage()).startsWith("download GET /api/v1/models/watched/nothing/latest -> 404")
                        .endsWith("not_found"));
        assertThat(requestLog.list).anySatisfy(event ->
                assertThat(event.getFormattedMessage()).matches("upload POST /api/v1/models/watched/cpu -> 201 .* in=58000B .*"));
    }

    @Test
    void probesAnswerAndReadinessFollowsS3() throws Exception {
        try (RunningService service = RunningService.start(backend.serviceProperties(backend.createBucket("probed")))) {
            assertThat(service.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
            HttpResponse<String> readiness = service.get("/actuator/health/readiness");
            assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
            assertThat(json(readiness.body()).get("components").has("s3")).isTrue();
        }
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, Object> unreachable = new HashMap<>(backend.serviceProperties("unreachable"));
        unreachable.put("modelstore.s3.endpoint", "http://127.0.0.1:" + closedPort);
        try (RunningService service = RunningService.start(unreachable)) {
            assertThat(service.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
            HttpResponse<String> readiness = service.get("/actuator/health/readiness");
            assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(503);
            assertThat(json(readiness.body()).get("components").get("s3").get("status").asString()).isEqualTo("DOWN");
        }
    }

    /** Every metric datum sent so far, once all the expected names have been among them (steps are 1 s apart). */
    @Test
    void s3DebugLogsEveryS3RequestWithoutCredentialsOrSignatures() {
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("debugged")));
        properties.put("S3_DEBUG", "true");
        ListAppender<ILoggingEvent> sdkLog = new ListAppender<>();
        sdkLog.start();
        Logger sdkLogger = (Logger) LoggerFactory.getLogger("software.amazon.awssdk.request");
        try (RunningService service = RunningService.start(properties)) {
            sdkLogger.addAppender(sdkLog);
            ModelStoreClient client = new ModelStoreClient(service);
            assertThat(client.uploadRaw("b", "m", null, new byte[] {1, 2, 3}, null).statusCode()).isEqualTo(201);
        } finally {
            sdkLogger.detachAppender(sdkLog);
        }
        assertThat(sdkLog.list).anySatisfy(event -> assertThat(event.getFormattedMessage()).contains("PUT"));
        assertThat(sdkLog.list).allSatisfy(event -> assertThat(event.getFormattedMessage())
                .doesNotContain(backend.secretKey(), backend.accessKey(), "Signature=", "AWS4-HMAC-SHA256"));
    }

    private static List<Map<String, Object>> awaitMetricData(CloudWatchStub cloudWatch, Set<String> expected)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            List<Map<String, Object>> data = metricData(cloudWatch);
            if (data.stream().map(d -> d.get("MetricName")).collect(Collectors.toSet()).containsAll(expected)) {
                return data;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not all of " + expected + " reached CloudWatch; calls: " + cloudWatch.calls());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> metricData(CloudWatchStub cloudWatch) {
        return cloudWatch.calls().stream()
                .flatMap(call -> ((List<Map<String, Object>>) call.input().getOrDefault("MetricData", List.of())).stream())
                .toList();
    }

    private static String unit(List<Map<String, Object>> data, String name) {
        return data.stream().filter(d -> name.equals(d.get("MetricName"))).map(d -> (String) d.get("Unit"))
                .findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Set<Map<String, String>> dimensionSets(List<Map<String, Object>> data, String name) {
        return data.stream().filter(d -> name.equals(d.get("MetricName")))
                .map(d -> ((List<Map<String, Object>>) d.getOrDefault("Dimensions", List.of())).stream()
                        .collect(Collectors.toMap(x -> (String) x.get("Name"), x -> (String) x.get("Value"))))
                .collect(Collectors.toSet());
    }
}
