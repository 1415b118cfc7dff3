package io.anomstack.modelstore.observability;

import io.anomstack.modelstore.catalog.ModelCatalog;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.security.config.observation.SecurityObservationSettings;

/** Wires the meters, the request log and the CloudWatch allow-list into the service. */
@Configuration(proxyBeanMethods = false)
class ObservabilityConfiguration {

    /** Outside the audit log (-101) and the security filters (-100): their log lines carry the request id too. */
    @Bean
    FilterRegistrationBean<RequestObservationFilter> requestObservationFilter(MeterRegistry registry, BatchTags batchTags) {
        FilterRegistrationBean<RequestObservationFilter> registration =
                new FilterRegistrationBean<>(new RequestObservationFilter(registry, batchTags));
        registration.setOrder(-102);
        return registration;
    }

    /**
     * Spring Security observes nothing: its span and timer around each of its ~12 filters cost a quarter of a small
     * request's CPU (docs/benchmarks.md) for nothing an operator reads. As a bean, not an observation predicate, so that
     * the filters, the authentication and the authorization are not wrapped at all.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * The catalog everyone injects: storage's catalog (the bean {@code modelCatalog}) with model sizes measured on the
     * way through. Primary, so the undecorated one is reached only by naming it, as here.
     */
    @Bean
    @Primary
    ModelCatalog meteredModelCatalog(@Qualifier("modelCatalog") ModelCatalog catalog, MeterRegistry registry,
                                     BatchTags batchTags) {
        return new MeteredModelCatalog(catalog, registry, batchTags);
    }

    /**
     * Only the allow-listed meters go to CloudWatch, which bills each metric (name × dimension values); the other
     * registries (Prometheus, {@code /actuator/metrics}) keep everything.
     */
    @Bean
    MeterRegistryCustomizer<CloudWatchMeterRegistry> cloudWatchAllowList(MetricsProperties properties) {
        return registry -> registry.config().meterFilter(MeterFilter.denyUnless(id -> properties.exportsToCloudWatch(id.getName())));
    }
}
