package io.anomstack.modelstore.bucket;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * Opt-in management of the bucket's own configuration, bound from {@code modelstore.bucket.*}. Every value is checked
 * at start-up, also while management is off, so that turning it on never reveals a bad setting late.
 *
 * @param manage                    whether the service creates and configures its bucket at start-up and on
 *                                  {@code POST /api/v1/admin/bucket/reconcile} ({@code MODELSTORE_BUCKET_MANAGE}, default false)
 * @param transitions               archive path of superseded model versions, {@code CLASS:DAYS,…}
 *                                  ({@code MODELSTORE_BUCKET_TRANSITIONS}, default {@code STANDARD_IA:30,GLACIER:90}); blank
 *                                  or {@code none} for none
 * @param noncurrentExpirationDays  days S3 keeps a noncurrent object version (a deleted or pruned model) before expiring it
 *                                  ({@code MODELSTORE_BUCKET_NONCURRENT_EXPIRATION_DAYS}, default 30)
 * @param abortIncompleteUploadDays days after which S3 aborts a multipart upload nobody completed
 *                                  ({@code MODELSTORE_BUCKET_ABORT_INCOMPLETE_UPLOAD_DAYS}, default 7)
 * @param bucketKeyEnabled          whether default SSE-KMS encryption uses an S3 Bucket Key, which cuts KMS requests
 *                                  ({@code MODELSTORE_BUCKET_KEY_ENABLED}, default true; ignored without {@code S3_SSE=aws:kms})
 * @param startupTimeout            how long start-up waits for the reconciliation before going on without it
 *                                  ({@code MODELSTORE_BUCKET_STARTUP_TIMEOUT}, default 30s)
 */
@ConfigurationProperties("modelstore.bucket")
public record BucketProperties(
        @DefaultValue("false") boolean manage,
        @DefaultValue("STANDARD_IA:30,GLACIER:90") String transitions,
        @DefaultValue("30") int noncurrentExpirationDays,
        @DefaultValue("7") int abortIncompleteUploadDays,
        @DefaultValue("true") boolean bucketKeyEnabled,
        @DefaultValue("30s") Duration startupTimeout) {

    public BucketProperties {
        LifecycleTransition.parse(transitions);
        if (noncurrentExpirationDays < 1) {
            throw new IllegalArgumentException("MODELSTORE_BUCKET_NONCURRENT_EXPIRATION_DAYS must be at least 1.");
        }
        if (abortIncompleteUploadDays < 1) {
            throw new IllegalArgumentException("MODELSTORE_BUCKET_ABORT_INCOMPLETE_UPLOAD_DAYS must be at least 1.");
        }
        if (startupTimeout == null || startupTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("MODELSTORE_BUCKET_STARTUP_TIMEOUT must be at least 1s.");
        }
    }

    /** The configured transitions, in order. */
    public List<LifecycleTransition> transitionSteps() {
        return LifecycleTransition.parse(transitions);
    }
}
