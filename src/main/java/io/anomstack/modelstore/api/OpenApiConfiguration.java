package io.anomstack.modelstore.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The title, version and introduction Swagger UI shows above the operations. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI modelStoreOpenApi(ObjectProvider<BuildProperties> build) {
        BuildProperties properties = build.getIfAvailable();
        return new OpenAPI().info(new Info()
                .title("Anomstack Model Store")
                .version(properties == null ? "dev" : properties.getVersion())
                .description("""
                        Stores the trained anomaly-detection models of Anomstack metric batches in Amazon S3.
                        Trainers upload a model version with `POST /api/v1/models/{batch}/{metric}`; scorers download
                        `…/latest`. A metric with several models (one per `model_configs` entry) names each with `?tag=`.
                        Every error is an RFC 9457 problem detail (`application/problem+json`)."""));
    }
}
