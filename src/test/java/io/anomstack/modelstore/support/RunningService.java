package io.anomstack.modelstore.support;

import io.anomstack.modelstore.ModelStoreApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The whole service started on a random port, driven over real HTTP. */
public final class RunningService implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    private RunningService(ConfigurableApplicationContext context) {
        this.context = context;
        this.base = URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
    }

    /**
     * @param extraConfiguration further configuration classes, such as test-only beans
     */
    public static RunningService start(Map<String, Object> properties, Class<?>... extraConfiguration) {
        Map<String, Object> all = new LinkedHashMap<>(properties);
        all.put("server.port", "0");
        // The S3 API's default port 9000 would collide between services and test runs.
        all.putIfAbsent("modelstore.s3-api.port", "0");
        all.putIfAbsent("spring.main.banner-mode", "off");
        // Tests never publish to the real CloudWatch; ObservabilityIT points it at a local stub.
        all.putIfAbsent("modelstore.metrics.cloudwatch-enabled", "false");
        // Command-line arguments, so that they win over application.yml's environment-variable defaults.
        String[] args = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new RunningService(new SpringApplicationBuilder(ModelStoreApplication.class)
                .sources(extraConfiguration)
                .run(args));
    }

    public URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    public int port() {
        return base.getPort();
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    public <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(120)).build(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    @Override
    public void close() {
        context.close();
    }
}
