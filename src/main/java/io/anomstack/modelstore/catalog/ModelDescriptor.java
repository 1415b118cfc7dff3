package io.anomstack.modelstore.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.Map;

/**
 * Everything known about one model version. It is both the metadata document stored beside the model
 * ({@code metadata_{version}.json}) and the API's description of a version.
 */
@JsonPropertyOrder({"batch", "metric", "tag", "version", "created_at", "size_bytes", "stored_bytes", "sha256",
        "content_type", "content_encoding", "storage_class", "encryption", "bucket", "key", "metadata", "idempotency_key",
        "pickle", "pinned", "archive"})
@Schema(description = "One stored model version")
public record ModelDescriptor(
        @Schema(example = "my_batch") String batch,
        @Schema(example = "cpu_usage") String metric,
        @Schema(example = "pca_default", nullable = true) String tag,
        @Schema(example = "20250131_235959") String version,
        @JsonProperty("created_at") @Schema(example = "2025-01-31T23:59:59.123Z") Instant createdAt,
        @JsonProperty("size_bytes") @Schema(description = "Size of the model as uploaded", example = "1048576") long sizeBytes,
        @JsonProperty("stored_bytes") @Schema(description = "Size of the object in S3", example = "1048576") long storedBytes,
        @Schema(description = "SHA-256 (hex) of the model bytes as uploaded") String sha256,
        @JsonProperty("content_type") @Schema(example = "application/octet-stream") String contentType,
        @JsonProperty("content_encoding") @Schema(example = "identity") String contentEncoding,
        @JsonProperty("storage_class") @Schema(example = "STANDARD") String storageClass,
        @Schema(nullable = true) Encryption encryption,
        @Schema(example = "your-anomstack-models-bucket") String bucket,
        @Schema(example = "models/my_batch/cpu_usage/model_20250131_235959.pkl") String key,
        @Schema(description = "The uploader's own JSON object", example = "{\"n_components\": 3, \"git_sha\": \"4f2a9c1\"}")
        Map<String, Object> metadata,
        @JsonProperty("idempotency_key") @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "The Idempotency-Key the upload was sent with, if any", nullable = true, example = "3f9c2a61-5d7e-4b8a-9a0e-1c2d3e4f5a6b")
        String idempotencyKey,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "The pickle scan at upload: protocol, imported globals and verdict (absent on versions stored "
                + "before scanning existed)", nullable = true)
        PickleCheck pickle,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Only on latest: whether a rollback pinned this older version as latest (until a newer upload)",
                nullable = true)
        Boolean pinned,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Only on a version's metadata: the model object's live archive state in S3. storage_class above "
                + "is the class it was written in; lifecycle rules may have moved it since.", nullable = true)
        ArchiveState archive) {

    /** A version's descriptor, as its metadata document holds it: whether it is latest is not its own property. */
    public ModelDescriptor(String batch, String metric, String tag, String version, Instant createdAt, long sizeBytes,
                           long storedBytes, String sha256, String contentType, String contentEncoding,
                           String storageClass, Encryption encryption, String bucket, String key,
                           Map<String, Object> metadata, String idempotencyKey) {
        this(batch, metric, tag, version, createdAt, sizeBytes, storedBytes, sha256, contentType, contentEncoding,
                storageClass, encryption, bucket, key, metadata, idempotencyKey, null, null, null);
    }

    /** A new version's descriptor, with its pickle scan. */
    public ModelDescriptor(String batch, String metric, String tag, String version, Instant createdAt, long sizeBytes,
                           long storedBytes, String sha256, String contentType, String contentEncoding,
                           String storageClass, Encryption encryption, String bucket, String key,
                           Map<String, Object> metadata, String idempotencyKey, PickleCheck pickle) {
        this(batch, metric, tag, version, createdAt, sizeBytes, storedBytes, sha256, contentType, contentEncoding,
                storageClass, encryption, bucket, key, metadata, idempotencyKey, pickle, null, null);
    }

    /** This descriptor as latest, pinned there by a rollback or not. */
    public ModelDescriptor asLatest(boolean pinnedByRollback) {
        return new ModelDescriptor(batch, metric, tag, version, createdAt, sizeBytes, storedBytes, sha256, contentType,
                contentEncoding, storageClass, encryption, bucket, key, metadata, idempotencyKey, pickle, pinnedByRollback, null);
    }

    /** This descriptor without latest's pin flag or live archive state: the version's own description, as stored. */
    public ModelDescriptor asVersion() {
        return pinned == null && archive == null ? this : new ModelDescriptor(batch, metric, tag, version, createdAt,
                sizeBytes, storedBytes, sha256, contentType, contentEncoding, storageClass, encryption, bucket, key, metadata,
                idempotencyKey, pickle);
    }

    /** This version's descriptor with the model object's live archive state. */
    public ModelDescriptor withArchive(ArchiveState state) {
        return new ModelDescriptor(batch, metric, tag, version, createdAt, sizeBytes, storedBytes, sha256, contentType,
                contentEncoding, storageClass, encryption, bucket, key, metadata, idempotencyKey, pickle, pinned, state);
    }

    public ModelRef ref() {
        return new ModelRef(batch, metric, tag);
    }

    public VersionId versionId() {
        return VersionId.parse(version);
    }

    /**
     * Server-side encryption of the model object as S3 reported it, so a bucket's default encryption shows too.
     *
     * @param algorithm {@code AES256}, {@code aws:kms} or {@code aws:kms:dsse}
     * @param kmsKeyId  the KMS key, for the KMS algorithms
     * @param bucketKey whether SSE-KMS used an S3 Bucket Key; absent when S3 did not say
     */
    public record Encryption(String algorithm, @JsonProperty("kms_key_id") String kmsKeyId,
                             @JsonProperty("bucket_key") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean bucketKey) {
    }
}
