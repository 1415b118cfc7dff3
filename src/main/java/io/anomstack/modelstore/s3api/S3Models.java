package io.anomstack.modelstore.s3api;

import io.anomstack.modelstore.catalog.InvalidNameException;
import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelNotFoundException;
import io.anomstack.modelstore.catalog.ModelUpload;
import io.anomstack.modelstore.catalog.StagingArea;
import io.anomstack.modelstore.catalog.UploadBudget;
import io.anomstack.modelstore.catalog.VersionId;
import io.anomstack.modelstore.security.Caller;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What every S3 request shares: the catalog (the same one the REST API serves), the staging area of multipart uploads,
 * the key rule and the one bucket, and how a version looks as an S3 object.
 */
final class S3Models {

    /** The descriptor metadata entry holding what the S3 API keeps of a version: its S3 ETag and user metadata. */
    static final String METADATA_ENTRY = "s3_api";

    private final ModelCatalog catalog;
    private final StagingArea staging;
    private final ModelKeys keys;
    private final String bucket;
    private final UploadBudget budget;
    private final S3ApiMetrics metrics;

    S3Models(ModelCatalog catalog, StagingArea staging, ModelKeys keys, String bucket, UploadBudget budget,
             S3ApiMetrics metrics) {
        this.metrics = metrics;
        this.catalog = catalog;
        this.staging = staging;
        this.keys = keys;
        this.bucket = bucket;
        this.budget = budget;
    }

    /**
     * Stores a new version through the catalog within the upload budget.
     *
     * @throws software.amazon.awssdk.services.s3.model.S3Exception SlowDown when the budget cannot take it now, or the
     *                                                               catalog's failure as an S3 error
     */
    ModelDescriptor upload(ModelUpload upload, String key) {
        UploadBudget.Reservation reservation = budget.tryReserve(upload.declaredLength()).orElseThrow(() ->
                S3Answers.error(503, "SlowDown", "The service is receiving as many uploads as its memory allows; retry shortly."));
        try (reservation) {
            return catalog.upload(upload);
        } catch (RuntimeException e) {
            throw CatalogErrors.translate(e, key);
        }
    }

    ModelCatalog catalog() {
        return catalog;
    }

    StagingArea staging() {
        return staging;
    }

    /** A caller's view of the models, its requests metered. */
    S3Caller callerOf(Caller caller) {
        return new S3Caller(caller, metrics);
    }

    ModelKeys keys() {
        return keys;
    }

    String bucket() {
        return bucket;
    }

    /** @throws software.amazon.awssdk.services.s3.model.S3Exception NoSuchBucket for any other bucket */
    void requireBucket(String name) {
        if (!bucket.equals(name)) {
            throw S3Answers.noSuchBucket(name);
        }
    }

    /**
     * The version a read names: latest, or {@code versionId}; its file extension must be the key's.
     *
     * @throws software.amazon.awssdk.services.s3.model.S3Exception NoSuchKey, NoSuchVersion
     */
    ModelDescriptor resolve(String key, ModelKeys.ModelKey named, String versionId) {
        ModelDescriptor version;
        try {
            if (versionId == null || versionId.equals("null")) {
                version = catalog.latest(named.model());
            } else {
                version = catalog.version(named.model(), VersionId.parse(versionId));
            }
        } catch (InvalidNameException e) {
            throw S3Answers.invalidArgument("Invalid version id specified: " + e.getMessage());
        } catch (ModelNotFoundException e) {
            throw versionId == null ? S3Answers.noSuchKey(key) : S3Answers.noSuchVersion(versionId);
        }
        if (!extensionOf(version).equals(named.extension())) {
            throw versionId == null ? S3Answers.noSuchKey(key) : S3Answers.noSuchVersion(versionId);
        }
        return version;
    }

    /** The extension of a version's model object, as its key ends. */
    static String extensionOf(ModelDescriptor version) {
        String key = version.key();
        int dot = key.lastIndexOf('.');
        return dot < 0 ? "" : key.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * A version's S3 ETag, quoted: the one its S3 upload answered (the MD5 of the bytes, or the multipart form), else
     * one derived from its SHA-256 for versions uploaded through the REST API.
     */
    static String eTagOf(ModelDescriptor version) {
        if (version.metadata() != null && version.metadata().get(METADATA_ENTRY) instanceof Map<?, ?> entry
                && entry.get("etag") instanceof String eTag) {
            return "\"" + eTag + "\"";
        }
        return "\"" + version.sha256().substring(0, 32) + "\"";
    }

    /** The user metadata ({@code x-amz-meta-*}) an S3 upload stored with a version. */
    static Map<String, String> userMetadataOf(ModelDescriptor version) {
        Map<String, String> user = new LinkedHashMap<>();
        if (version.metadata() != null && version.metadata().get(METADATA_ENTRY) instanceof Map<?, ?> entry
                && entry.get("user_metadata") instanceof Map<?, ?> stored) {
            stored.forEach((name, value) -> user.put(String.valueOf(name), String.valueOf(value)));
        }
        return user;
    }

    /** The descriptor metadata of a version uploaded through S3. */
    static Map<String, Object> metadataFor(String eTag, Map<String, String> userMetadata) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("etag", eTag);
        if (userMetadata != null && !userMetadata.isEmpty()) {
            entry.put("user_metadata", new LinkedHashMap<>(userMetadata));
        }
        return Map.of(METADATA_ENTRY, entry);
    }
}
