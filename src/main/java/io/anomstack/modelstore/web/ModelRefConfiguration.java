package io.anomstack.modelstore.web;

import io.anomstack.modelstore.catalog.ModelRef;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.PathParameter;
import io.swagger.v3.oas.models.parameters.QueryParameter;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lets handlers take the model their request names as a {@link ModelRef} parameter ({@link ModelRefArgumentResolver}),
 * and documents it in the OpenAPI document as the parameters it is read from: the {@code batch} and {@code metric}
 * path parameters first, the optional {@code tag} query parameter after the path parameters, as a
 * {@code @PathVariable} and a {@code @RequestParam(required = false)} would be. springdoc leaves the {@link ModelRef}
 * parameter itself out.
 */
@Configuration(proxyBeanMethods = false)
class ModelRefConfiguration implements WebMvcConfigurer {

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(ModelRef.class);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new ModelRefArgumentResolver());
    }

    @Bean
    OperationCustomizer modelRefParameters() {
        return ModelRefConfiguration::documentModelRef;
    }

    /** Adds batch, metric and tag to an operation whose handler takes a {@link ModelRef}, unless it documents them. */
    static Operation documentModelRef(Operation operation, HandlerMethod handler) {
        if (Arrays.stream(handler.getMethodParameters()).noneMatch(p -> p.getParameterType() == ModelRef.class)) {
            return operation;
        }
        List<Parameter> parameters = operation.getParameters() == null ? new ArrayList<>()
                : new ArrayList<>(operation.getParameters());
        if (!documents(parameters, "batch")) {
            parameters.add(0, new PathParameter().name("batch").schema(new StringSchema()));
        }
        if (!documents(parameters, "metric")) {
            parameters.add(1, new PathParameter().name("metric").schema(new StringSchema()));
        }
        if (!documents(parameters, ModelRefArgumentResolver.TAG)) {
            int afterPath = 0;
            while (afterPath < parameters.size() && "path".equals(parameters.get(afterPath).getIn())) {
                afterPath++;
            }
            parameters.add(afterPath, new QueryParameter().name(ModelRefArgumentResolver.TAG)
                    .description(ModelApi.TAG_DOC).required(false).schema(new StringSchema()));
        }
        return operation.parameters(parameters);
    }

    private static boolean documents(List<Parameter> parameters, String name) {
        return parameters.stream().anyMatch(p -> name.equals(p.getName()));
    }
}
