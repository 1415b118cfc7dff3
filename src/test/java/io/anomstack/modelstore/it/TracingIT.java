package io.anomstack.modelstore.it;

import com.sun.net.httpserver.HttpServer;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** With tracing switched on, spans reach an OTLP endpoint and log lines carry the trace id; by default none is sent. */
@ExtendWith(OutputCaptureExtension.class)
class TracingIT {

    private static final Pattern TRACED_REQUEST_LINE = Pattern.compile("trace=([0-9a-f]{32})\\].*GET /api/v1/models/traced/cpu/latest");

    @Test
    void spansOfARequestReachTheOtlpEndpointAndItsLogLinesNameTheTrace(CapturedOutput output) throws Exception {
        List<String> exports = runRequests(true, 20_000);
        assertThat(exports).isNotEmpty().allMatch(export -> export.equals("POST application/x-protobuf"));
        Matcher traced = TRACED_REQUEST_LINE.matcher(output.getAll());
        assertThat(traced.find()).as("a request log line with its trace id").isTrue();
    }

    @Test
    void byDefaultNoSpanIsSent() throws Exception {
        assertThat(runRequests(false, 2_000)).isEmpty();
    }

    /** Runs an upload and a download against a service pointed at a local OTLP collector; returns what it received. */
    private static List<String> runRequests(boolean tracing, long waitMillis) throws Exception {
        List<String> exports = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exports.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory()) {
            Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("traced")));
            if (tracing) {
                properties.put("management.tracing.export.enabled", "true");
            }
            properties.put("management.opentelemetry.tracing.export.otlp.endpoint",
                    "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces");
            properties.put("management.opentelemetry.tracing.export.schedule-delay", "200ms");
            try (RunningService service = RunningService.start(properties)) {
                ModelStoreClient client = new ModelStoreClient(service);
                assertThat(client.uploadRaw("traced", "cpu", null, new byte[10], null).statusCode()).isEqualTo(201);
                assertThat(client.get("/api/v1/models/traced/cpu/latest").statusCode()).isEqualTo(200);
                long deadline = System.nanoTime() + waitMillis * 1_000_000L;
                while (exports.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            }
        } finally {
            collector.stop(0);
        }
        return exports;
    }
}
