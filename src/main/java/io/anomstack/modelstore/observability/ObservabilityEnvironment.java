package io.anomstack.modelstore.observability;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Defaults that depend on other settings, which YAML cannot express:
 * <ul>
 * <li>CloudWatch export on when a bucket is configured (Spring Cloud AWS creates the CloudWatch registry only when a
 * namespace is set): namespace {@code CLOUDWATCH_NAMESPACE}, default {@code AnomstackModelStore}. Off in local mode,
 * with {@code modelstore.metrics.cloudwatch-enabled=false} ({@code CLOUDWATCH_ENABLED=false}), and left alone when
 * the namespace is configured explicitly.</li>
 * <li>{@code S3_DEBUG=true}: the AWS SDK's request logger at DEBUG. It logs method, host, path, the names (not the
 * values) of headers and query parameters, status and request ids, so no credential or signature. Apache's wire
 * logger is deliberately left off: it would write the Authorization signature, the session token and model bytes.</li>
 * <li>Tracing samples {@code MODELSTORE_TRACING_SAMPLING} of the requests (default 1.0) while spans are exported, and
 * none otherwise: OpenTelemetry would record and queue every span of every request only to drop them.</li>
 * </ul>
 */
class ObservabilityEnvironment implements EnvironmentPostProcessor {

    static final String NAMESPACE = "management.cloudwatch.metrics.export.namespace";
    static final String DEFAULT_NAMESPACE = "AnomstackModelStore";
    static final String SAMPLING = "management.tracing.sampling.probability";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        boolean bucketConfigured = !environment.getProperty("modelstore.s3.bucket", "").isBlank();
        boolean enabled = environment.getProperty("modelstore.metrics.cloudwatch-enabled", Boolean.class, true);
        if (bucketConfigured && enabled && !environment.containsProperty(NAMESPACE)) {
            defaults.put(NAMESPACE, environment.getProperty("CLOUDWATCH_NAMESPACE", DEFAULT_NAMESPACE));
        }
        if (!environment.containsProperty(SAMPLING)) {
            boolean exported = environment.getProperty("management.tracing.export.enabled", Boolean.class, false);
            defaults.put(SAMPLING, exported ? environment.getProperty("MODELSTORE_TRACING_SAMPLING", "1.0") : "0.0");
        }
        if (environment.getProperty("S3_DEBUG", Boolean.class, false)) {
            defaults.put("logging.level.software.amazon.awssdk.request", "DEBUG");
        }
        if (!defaults.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource("modelstoreObservabilityDefaults", defaults));
        }
    }
}
