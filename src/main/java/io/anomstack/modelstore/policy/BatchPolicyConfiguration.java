package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.storage.ObjectSettings;
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

    /**
     * Each batch's storage class, encryption and compression, from its policy. Local mode's embedded server cannot
     * encrypt, so encryption is dropped there (with one warning).
     */
    @Bean
    ObjectSettings.PerBatch objectSettingsPerBatch(BatchPolicies policies, S3StorageProperties s3) {
        boolean encryptionRequested = policies.defaults().encryption() != null
                || policies.configuredPolicies().stream().anyMatch(policy -> policy.encryption() != null);
        if (s3.localMode() && encryptionRequested) {
            log.warn("Server-side encryption settings are ignored in local mode: the embedded S3 server cannot encrypt.");
        }
        warnAboutUnroutedTargets(policies);
        return batch -> {
            BatchPolicy policy = policies.policyFor(batch);
            boolean encrypt = !s3.localMode() && policy.encryption() != null;
            return new ObjectSettings(policy.storageClass(), encrypt ? policy.encryption() : null,
                    encrypt ? policy.kmsKeyId() : null, encrypt ? policy.bucketKey() : null, policy.compression());
        };
    }

    private static void warnAboutUnroutedTargets(BatchPolicies policies) {
        StorageTarget defaultTarget = policies.defaults().storageTarget();
        policies.configuredPolicies().stream()
                .filter(policy -> !policy.storageTarget().equals(defaultTarget))
                .forEach(policy -> log.warn("Batch {} ({}) asks for bucket {}, region {}, prefix '{}': storing a batch "
                                + "outside the service's bucket, region and prefix is not supported yet, so it is stored with "
                                + "the others; its encryption, storage class, compression and retention do apply.",
                        policy.batch(), policy.source(), policy.bucket(), policy.region(), policy.prefix()));
    }
}
