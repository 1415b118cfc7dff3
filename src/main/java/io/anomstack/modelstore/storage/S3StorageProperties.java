package io.anomstack.modelstore.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where and how models are stored in S3. Bound from {@code modelstore.s3.*}, which {@code application.yml}
 * fills from the documented environment variables ({@code S3_BUCKET_NAME}, {@code S3_PREFIX}, …).
 * Every value is checked when the service starts: a bad one stops it with one sentence saying what to fix.
 *
 * @param bucket       the bucket ({@code S3_BUCKET_NAME}); blank selects local mode with an embedded S3 server
 * @param prefix       key prefix of every object, empty or ending in {@code /} ({@code S3_PREFIX}, default {@code models/})
 * @param region       the bucket's region ({@code AWS_REGION} or {@code AWS_DEFAULT_REGION}, default {@code us-east-1})
 * @param endpoint     an S3-compatible endpoint such as MinIO ({@code S3_ENDPOINT}); path-style addressing when set
 * @param storageClass storage class of model objects ({@code S3_STORAGE_CLASS}, default {@code STANDARD})
 * @param sse          server-side encryption: {@code AES256}, {@code aws:kms} or {@code aws:kms:dsse} ({@code S3_SSE}); blank for none
 * @param sseKmsKeyId  the KMS key id, ARN or alias for the KMS algorithms ({@code S3_SSE_KMS_KEY_ID})
 * @param partSize     size of one multipart-upload part, at least 5 MB; bodies up to one part go up in one PUT; a
 *                     large upload holds parts in flight + 1 parts, and larger parts cost a little less CPU per byte
 *                     (16MB: about 6%, docs/benchmarks.md)
 */
@ConfigurationProperties("modelstore.s3")
public record S3StorageProperties(
        String bucket,
        @DefaultValue("models/") String prefix,
        @DefaultValue("us-east-1") String region,
        String endpoint,
        @DefaultValue("STANDARD") String storageClass,
        String sse,
        String sseKmsKeyId,
        @DefaultValue("8MB") DataSize partSize) {

    private static final long MIN_PART_BYTES = 5L * 1024 * 1024;
    private static final long MAX_PART_BYTES = 512L * 1024 * 1024;

    public S3StorageProperties {
        bucket = blankToNull(bucket);
        prefix = prefix == null ? "" : prefix.trim();
        endpoint = blankToNull(endpoint);
        storageClass = storageClass == null || storageClass.isBlank() ? "STANDARD" : storageClass.trim().toUpperCase(Locale.ROOT);
        sse = blankToNull(sse);
        sseKmsKeyId = blankToNull(sseKmsKeyId);
        if (bucket != null && !S3SettingRules.isBucketName(bucket)) {
            throw new IllegalArgumentException("S3_BUCKET_NAME '" + bucket + "' is not a valid bucket name "
                    + "(" + S3SettingRules.BUCKET_RULE + ").");
        }
        if (!S3SettingRules.isPrefix(prefix)) {
            throw new IllegalArgumentException("S3_PREFIX '" + prefix + "' must be " + S3SettingRules.PREFIX_RULE + ".");
        }
        if (region == null || !S3SettingRules.isRegion(region.trim())) {
            throw new IllegalArgumentException("AWS region '" + region + "' is not " + S3SettingRules.REGION_RULE + " "
                    + "(set AWS_REGION or AWS_DEFAULT_REGION).");
        }
        region = region.trim();
        if (endpoint != null) {
            checkEndpoint(endpoint);
        }
        if (S3SettingRules.storageClass(storageClass) == null) {
            throw new IllegalArgumentException("S3_STORAGE_CLASS '" + storageClass + "' is not a storage class; use one of "
                    + S3SettingRules.storageClassNames() + ".");
        }
        if (sse != null) {
            ServerSideEncryption algorithm = S3SettingRules.encryption(sse);
            if (algorithm == null) {
                throw new IllegalArgumentException("S3_SSE '" + sse + "' is not supported; use " + S3SettingRules.ENCRYPTION_CHOICES
                        + ", or leave it unset for the bucket's default.");
            }
            if (S3SettingRules.usesKms(algorithm) && sseKmsKeyId == null) {
                throw new IllegalArgumentException("S3_SSE=" + sse + " needs S3_SSE_KMS_KEY_ID: " + S3SettingRules.KMS_KEY_RULE + ".");
            }
        }
        if (sseKmsKeyId != null && !S3SettingRules.usesKms(S3SettingRules.encryption(sse))) {
            throw new IllegalArgumentException("S3_SSE_KMS_KEY_ID is set but S3_SSE is not aws:kms or aws:kms:dsse; "
                    + "set S3_SSE=aws:kms to use the key, or remove the key id.");
        }
        if (partSize == null || partSize.toBytes() < MIN_PART_BYTES || partSize.toBytes() > MAX_PART_BYTES) {
            throw new IllegalArgumentException("MODELSTORE_S3_PART_SIZE must be between 5MB (S3's smallest part) and "
                    + "512MB (each upload holds its parts in flight in memory).");
        }
    }

    /** Local mode: no bucket configured, so the service runs its own embedded S3 server. */
    public boolean localMode() {
        return isLocalMode(bucket);
    }

    static boolean isLocalMode(String bucket) {
        return bucket == null || bucket.isBlank();
    }

    public URI endpointUri() {
        return endpoint == null ? null : URI.create(endpoint);
    }

    private static void checkEndpoint(String endpoint) {
        try {
            URI uri = new URI(endpoint);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(endpoint, "not an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("S3_ENDPOINT '" + endpoint + "' is not an http:// or https:// URL "
                    + "with a host, such as http://localhost:9000.");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
