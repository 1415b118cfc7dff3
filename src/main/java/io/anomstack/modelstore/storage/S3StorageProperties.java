package io.anomstack.modelstore.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
 * @param partSize     size of one multipart-upload part, at least 5 MB; bodies up to one part go up in one PUT
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

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    /** Folder names ending in '/', none of them '.', '..' or other dots only (no relative path segments). */
    private static final Pattern PREFIX = Pattern.compile("((?!\\.+/)[A-Za-z0-9._-]+/)*");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    private static final long MIN_PART_BYTES = 5L * 1024 * 1024;
    private static final long MAX_PART_BYTES = 512L * 1024 * 1024;

    public S3StorageProperties {
        bucket = blankToNull(bucket);
        prefix = prefix == null ? "" : prefix.trim();
        endpoint = blankToNull(endpoint);
        storageClass = storageClass == null || storageClass.isBlank() ? "STANDARD" : storageClass.trim().toUpperCase(Locale.ROOT);
        sse = blankToNull(sse);
        sseKmsKeyId = blankToNull(sseKmsKeyId);
        if (bucket != null && !BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("S3_BUCKET_NAME '" + bucket + "' is not a valid bucket name "
                    + "(3-63 lower-case letters, digits, dots and hyphens).");
        }
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("S3_PREFIX '" + prefix + "' must be empty or folder names "
                    + "(letters, digits, '.', '_', '-', but not '.' or '..') each ending in '/', such as 'models/' or 'models/production/'.");
        }
        if (region == null || !REGION.matcher(region.trim()).matches()) {
            throw new IllegalArgumentException("AWS region '" + region + "' is not a region name such as 'us-east-1' "
                    + "(set AWS_REGION or AWS_DEFAULT_REGION).");
        }
        region = region.trim();
        if (endpoint != null) {
            checkEndpoint(endpoint);
        }
        if (StorageClass.fromValue(storageClass) == StorageClass.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalArgumentException("S3_STORAGE_CLASS '" + storageClass + "' is not a storage class; use one of "
                    + Arrays.stream(StorageClass.values()).filter(c -> c != StorageClass.UNKNOWN_TO_SDK_VERSION)
                    .map(StorageClass::toString).collect(Collectors.joining(", ")) + ".");
        }
        if (sse != null) {
            ServerSideEncryption algorithm = ServerSideEncryption.fromValue(sse);
            if (algorithm == ServerSideEncryption.UNKNOWN_TO_SDK_VERSION) {
                throw new IllegalArgumentException("S3_SSE '" + sse + "' is not supported; use AES256, aws:kms or aws:kms:dsse, "
                        + "or leave it unset for the bucket's default.");
            }
            if (algorithm != ServerSideEncryption.AES256 && sseKmsKeyId == null) {
                throw new IllegalArgumentException("S3_SSE=" + sse + " needs S3_SSE_KMS_KEY_ID: the KMS key id, ARN or alias "
                        + "(alias/aws/s3 for the AWS managed key).");
            }
        }
        if (sseKmsKeyId != null && (sse == null || ServerSideEncryption.fromValue(sse) == ServerSideEncryption.AES256)) {
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
