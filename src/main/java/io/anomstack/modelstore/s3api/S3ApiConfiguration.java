package io.anomstack.modelstore.s3api;

import io.anomstack.modelstore.catalog.ConfiguredModelTags;
import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.StagingArea;
import io.anomstack.modelstore.catalog.UploadBudget;
import io.anomstack.modelstore.config.LocalMode;
import io.anomstack.modelstore.security.SecurityProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/** The S3-compatible endpoint, a second door into the catalog the REST API serves (docs/s3-api.md). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "modelstore.s3-api.enabled", havingValue = "true", matchIfMissing = true)
class S3ApiConfiguration {

    @Bean
    S3ApiServer s3ApiServer(S3ApiProperties properties, ModelCatalog catalog, StagingArea staging, UploadBudget budget,
                            SecurityProperties security, LocalMode localMode, ConfigurableEnvironment environment,
                            MeterRegistry registry, ConfiguredModelTags configuredTags) {
        S3Models models = new S3Models(catalog, staging, new ModelKeys(properties.prefix(), properties.modelTags(), configuredTags::modelTags),
                properties.bucket(), budget, new S3ApiMetrics(registry));
        S3KeyLocator keys = new S3KeyLocator(security, models);
        S3ApiServer.Access access = !keys.isEmpty() ? S3ApiServer.Access.SIGNED
                : security.allowAnonymous() ? S3ApiServer.Access.ANONYMOUS
                : localMode.active() ? S3ApiServer.Access.LOOPBACK : S3ApiServer.Access.SIGNED;
        return new S3ApiServer(properties, models, keys, access, environment);
    }
}
