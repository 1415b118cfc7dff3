package io.anomstack.modelstore.config;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Stops the start-up when a setting that no longer exists is set: silently ignoring it would leave an operator
 * believing a limit is in force that is not.
 */
class RemovedSettings implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty("modelstore.max-concurrent-uploads")
                || environment.containsProperty("MODELSTORE_MAX_CONCURRENT_UPLOADS")) {
            throw new IllegalStateException("MODELSTORE_MAX_CONCURRENT_UPLOADS (modelstore.max-concurrent-uploads) was "
                    + "replaced by MODELSTORE_UPLOAD_MEMORY_BUDGET (modelstore.upload.memory-budget), a limit on the heap "
                    + "uploads hold, by default half the maximum heap: remove the old setting, and set the budget only to "
                    + "change that default.");
        }
    }
}
