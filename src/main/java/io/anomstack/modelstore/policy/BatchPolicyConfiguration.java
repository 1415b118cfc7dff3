package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.pickle.PicklePolicy;
import io.anomstack.modelstore.s3.ObjectSettings;
import io.anomstack.modelstore.storage.S3StorageProperties;
import io.anomstack.modelstore.storage.BatchPlacement;
import io.anomstack.modelstore.storage.UploadProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the per-batch storage policies at start-up from {@code modelstore.batches-dir} ({@code MODELSTORE_BATCHES_DIR}).
 * Unset or blank: every batch gets the service's defaults. A missing directory or an invalid file stops the service.
 */
@Configuration(proxyBeanMethods = false)
class BatchPolicyConfiguration {

    private static final Logger log = LoggerFactory.getLogger(BatchPolicyConfiguration.class);

    /** The directory is bound as a string, as {@code modelstore.data-dir} is (docs/decisions-policy.md). */
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
        return batch -> {
            BatchPolicy policy = policies.policyFor(batch);
            boolean encrypt = !s3.localMode() && policy.encryption() != null;
            return new ObjectSettings(policy.storageClass(), encrypt ? policy.encryption() : null,
                    encrypt ? policy.kmsKeyId() : null, encrypt ? policy.bucketKey() : null, policy.compression());
        };
    }

    /**
     * Each batch's pickle check: its file's {@code model_store_params.pickle} over the service's
     * ({@code MODELSTORE_PICKLE_POLICY}, {@code MODELSTORE_PICKLE_ALLOW}).
     */
    @Bean
    PicklePolicy.PerBatch picklePolicyPerBatch(BatchPolicies policies, PickleProperties pickle) {
        PicklePolicy service = pickle.toPolicy();
        Map<String, PicklePolicy> perBatch = new HashMap<>();
        policies.configuredPolicies().stream().filter(policy -> policy.pickle() != null).forEach(policy -> {
            PicklePolicy own = policy.pickle().over(service);
            perBatch.put(policy.batch(), own);
            log.info("Batch {} ({}) checks pickles with policy {}.", policy.batch(), policy.source(), own.mode().token());
        });
        if (service.mode() != PicklePolicy.Mode.ENFORCE) {
            log.warn("MODELSTORE_PICKLE_POLICY is {}: pickles outside the allow-list are stored, and scorers that unpickle "
                    + "them run what they import (docs/model-safety.md).", service.mode().token());
        }
        return batch -> perBatch.getOrDefault(batch, service);
    }

    /**
     * Where each batch's objects live: its file's bucket, region and prefix, or the service's. Batches are routed by
     * name, so every request of a batch (uploads, listings, pointers, aliases) goes to the same place.
     */
    @Bean
    BatchPlacement.PerBatch batchPlacementPerBatch(BatchPolicies policies) {
        BatchPlacement defaultPlacement = policies.defaults().placement();
        Set<BatchPlacement> placements = new LinkedHashSet<>();
        placements.add(defaultPlacement);
        policies.configuredPolicies().stream()
                .filter(policy -> !policy.placement().equals(defaultPlacement))
                .forEach(policy -> {
                    placements.add(policy.placement());
                    log.info("Batch {} ({}) is stored in bucket {}, region {}, prefix '{}'.", policy.batch(),
                            policy.source(), policy.bucket() == null ? defaultPlacement.bucket() : policy.bucket(),
                            policy.region(), policy.prefix());
                });
        List<BatchPlacement> all = List.copyOf(placements);
        return new BatchPlacement.PerBatch() {
            @Override
            public BatchPlacement forBatch(String batch) {
                return policies.policyFor(batch).placement();
            }

            @Override
            public List<BatchPlacement> all() {
                return all;
            }
        };
    }
}
