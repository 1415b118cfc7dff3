package io.anomstack.modelstore.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The replaced upload limit stops the start-up, under any of its names, and says what replaced it. */
class RemovedSettingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"MODELSTORE_MAX_CONCURRENT_UPLOADS", "MODELSTORE_MAXCONCURRENTUPLOADS",
            "modelstore.max-concurrent-uploads", "modelstore.maxConcurrentUploads"})
    void theFormerUploadLimitStopsTheStartUpNamingTheBudget(String name) {
        assertThatThrownBy(() -> postProcess(Map.of(name, "16")))
                .hasMessageContaining("replaced by MODELSTORE_UPLOAD_MEMORY_BUDGET");
    }

    @Test
    void withoutItNothingHappens() {
        assertThatCode(() -> postProcess(Map.of("modelstore.upload.memory-budget", "512MB"))).doesNotThrowAnyException();
    }

    private static void postProcess(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        // Upper-case names as environment variables, the others as properties: each with its own relaxed names.
        boolean variables = Character.isUpperCase(properties.keySet().iterator().next().charAt(0));
        environment.getPropertySources().addFirst(variables
                ? new SystemEnvironmentPropertySource("test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, properties)
                : new MapPropertySource("test", properties));
        ConfigurationPropertySources.attach(environment);
        new RemovedSettings().postProcessEnvironment(environment, new SpringApplication());
    }
}
