package io.anomstack.modelstore.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The title, version and introduction Swagger UI shows above the operations, and the two ways to send an API key,
 * so that its "Authorize" button can take one.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI modelStoreOpenApi(ObjectProvider<BuildProperties> build) {
        BuildProperties properties = build.getIfAvailable();
        return new OpenAPI()
                .components(new Components()
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("An API key as a bearer token: `Authorization: Bearer <key>`."))
                        .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-API-Key")
                                .description("An API key in the `X-API-Key` header.")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"))
                .info(new Info()
                .title("Anomstack Model Store")
                .version(properties == null ? "dev" : properties.getVersion())
                .description("""
                        Stores the trained anomaly-detection models of Anomstack metric batches in Amazon S3.
                        Trainers upload a model version with `POST /api/v1/models/{batch}/{metric}`; scorers download
                        `…/latest`. A metric with several models (one per `model_configs` entry) names each with `?tag=`.
                        Every error is an RFC 9457 problem detail (`application/problem+json`).
                        Outside local mode every call needs an API key (**Authorize**): readers download and list,
                        writers also upload, admins also delete, roll back, set aliases and prune."""));
    }
}
