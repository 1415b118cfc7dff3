package io.anomstack.modelstore.bucket;

import io.anomstack.modelstore.storage.LocationStore;
import io.anomstack.modelstore.storage.LocationStores;
import io.anomstack.modelstore.storage.S3SettingRules;
import io.anomstack.modelstore.storage.S3StorageConfiguration;
import io.anomstack.modelstore.storage.S3StorageProperties;
import io.anomstack.modelstore.storage.SupersededVersions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Wires bucket management, and tells storage whether to tag superseded versions for the lifecycle rule. It only
 * reads the storage beans, so it stays apart from {@link S3StorageConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class BucketManagementConfiguration {

    /**
     * The buckets to manage: the service's own and those batch files route batches to, each once with the client of
     * its region and every prefix the service stores under in it.
     */
    @Bean
    ManagedBuckets managedBuckets(LocationStores stores, S3StorageProperties storage, BucketProperties properties) {
        Map<String, List<LocationStore>> byBucket = stores.all().stream()
                .collect(Collectors.groupingBy(store -> store.target().bucket(), LinkedHashMap::new, Collectors.toList()));
        List<ManagedBucket> buckets = byBucket.values().stream()
                .map(same -> new ManagedBucket(same.get(0).operations().client(), same.get(0).target().bucket(),
                        same.get(0).target().region(), same.stream().map(store -> store.target().prefix()).toList(),
                        defaultEncryption(storage, properties)))
                .toList();
        return () -> buckets;
    }

    @Bean
    SupersededVersions supersededVersions(BucketProperties bucket) {
        // Superseded versions are tagged only when the service's own lifecycle rule moves them: nothing else reads the tag.
        return new SupersededVersions(bucket.manage() && !bucket.transitionSteps().isEmpty());
    }

    @Bean
    BucketAdmin bucketAdmin(ManagedBuckets buckets, BucketProperties properties) {
        return new S3BucketAdmin(buckets, properties.manage(), new LifecycleSetting(properties));
    }

    /**
     * The bucket's default encryption follows {@code S3_SSE} and {@code S3_SSE_KMS_KEY_ID}, so objects written without
     * the service's headers get the same; unset means SSE-S3 (AES256), which S3 applies to new buckets anyway. Local
     * mode ignores {@code S3_SSE}, as it does for objects.
     */
    static DefaultEncryption defaultEncryption(S3StorageProperties storage, BucketProperties properties) {
        ServerSideEncryption algorithm = storage.localMode() ? null : S3SettingRules.encryption(storage.sse());
        if (algorithm == null || algorithm == ServerSideEncryption.AES256) {
            return new DefaultEncryption(DefaultEncryption.AES256, null, null);
        }
        // S3 Bucket Keys exist for SSE-KMS only, not for the dual-layer aws:kms:dsse.
        Boolean bucketKey = algorithm == ServerSideEncryption.AWS_KMS ? properties.bucketKeyEnabled() : null;
        return new DefaultEncryption(algorithm.toString(), storage.sseKmsKeyId(), bucketKey);
    }
}
