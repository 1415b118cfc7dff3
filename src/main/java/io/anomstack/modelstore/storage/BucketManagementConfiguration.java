package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.bucket.BucketAdmin;
import io.anomstack.modelstore.bucket.BucketProperties;
import io.anomstack.modelstore.bucket.DefaultEncryption;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.util.List;

/**
 * Wires bucket management. It only reads the storage beans, so it stays apart from {@link S3StorageConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class BucketManagementConfiguration {

    /**
     * The buckets to manage: today the service's one bucket, through its one client. Per-batch buckets will be listed
     * here, one entry per bucket with the client of its region and every prefix stored under in it.
     */
    @Bean
    ManagedBuckets managedBuckets(S3Client s3, S3Target target, S3StorageProperties storage, BucketProperties properties) {
        List<ManagedBucket> buckets = List.of(new ManagedBucket(s3, target.bucket(), target.region(),
                List.of(target.prefix()), defaultEncryption(storage, properties)));
        return () -> buckets;
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
