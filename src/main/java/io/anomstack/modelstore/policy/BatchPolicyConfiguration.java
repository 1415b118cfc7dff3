package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.storage.S3StorageProperties;
import io.anomstack.modelstore.storage.UploadProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/**
 * Loads the per-batch storage policies at start-up from {@code modelstore.batches-dir} ({@code MODELSTORE_BATCHES_DIR}).
 * Unset or blank: every batch gets the service's defaults. A missing directory or an invalid file stops the service.
 */
@Configuration(proxyBeanMethods = false)
class BatchPolicyConfiguration {

    private static final Logger log = LoggerFactory.getLogger(BatchPolicyConfiguration.class);

    /**
     * The directory is bound as a string on purpose, as {@code modelstore.data-dir} is: Spring Cloud AWS's s3://
     * resource resolver takes part in String-to-Path conversion and would need the S3 client.
     */
    @Bean
    BatchPolicies batchPolicies(S3StorageProperties s3, UploadProperties upload, RetentionProperties retention,
                                @Value("${modelstore.batches-dir:}") String batchesDir) {
        BatchPolicyDefaults defaults = BatchPolicyDefaults.from(s3, upload, retention);
        if (batchesDir == null || batchesDir.isBlank()) {
            log.info("No batch policy files (MODELSTORE_BATCHES_DIR is not set): every batch uses the service's storage settings.");
            return BatchPolicies.defaultsOnly(defaults);
        }
        return BatchPolicyLoader.load(Path.of(batchesDir.trim()), defaults);
    }
}
