package io.anomstack.modelstore.observability;

import io.anomstack.modelstore.catalog.ModelCatalog;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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

    /** Static and lazy: a post-processor must not pull the meter registry into being before its own customizers. */
    @Bean
    static BeanPostProcessor meteredModelCatalog(ObjectProvider<MeterRegistry> registry, ObjectProvider<BatchTags> batchTags) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof ModelCatalog catalog && !(bean instanceof MeteredModelCatalog)
                        ? new MeteredModelCatalog(catalog, registry.getObject(), batchTags.getObject()) : bean;
            }
        };
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
