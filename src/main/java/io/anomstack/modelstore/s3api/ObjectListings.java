package io.anomstack.modelstore.s3api;

import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelNames;
import io.anomstack.modelstore.catalog.ModelNotFoundException;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.ModelSummary;
import io.anomstack.modelstore.catalog.VersionPage;
import io.anomstack.modelstore.security.Role;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectStorageClass;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.ObjectVersionStorageClass;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * ListObjectsV2 (each model once, as its latest version) and ListObjectVersions (the catalog's versions, newest first),
 * with prefix, delimiter and pagination as S3 has them. Only batches the caller may read are listed, and only models
 * whose key names them again ({@link ModelKeys#keyOf}).
 */
final class ObjectListings {

    private static final int MAX_KEYS = 1000;
    private static final int VERSION_PAGE = 1000;

    private final S3Models models;
    private final S3Caller caller;

    ObjectListings(S3Models models, S3Caller caller) {
        this.models = models;
        this.caller = caller;
    }

    /** One model under its key. */
    private record Entry(String key, ModelSummary model) {
    }

    ListObjectsV2Response list(ListObjectsV2Request request) {
        models.requireBucket(request.bucket());
        caller.require(Role.READER, null);
        String prefix = request.prefix() == null ? "" : request.prefix();
        String marker = request.continuationToken() != null ? request.continuationToken() : request.startAfter();
        int maxKeys = request.maxKeys() == null ? MAX_KEYS : Math.min(request.maxKeys(), MAX_KEYS);
        List<S3Object> contents = new ArrayList<>();
        List<CommonPrefix> prefixes = new ArrayList<>();
        String last = null;
        boolean truncated = false;
        for (Entry entry : entries(prefix)) {
            String item = rolledUp(entry.key(), prefix, request.delimiter());
            if (marker != null && (item.compareTo(marker) <= 0 || item.equals(last))) {
                continue;
            }
            if (item.equals(last)) {
                continue;
            }
            if (contents.size() + prefixes.size() == maxKeys) {
                truncated = true;
                break;
            }
            if (item.equals(entry.key())) {
                ModelDescriptor latest = entry.model().latest();
                contents.add(S3Object.builder().key(entry.key()).size(latest.sizeBytes()).eTag(S3Models.eTagOf(latest))
                        .lastModified(latest.createdAt()).storageClass(ObjectStorageClass.STANDARD).build());
            } else {
                prefixes.add(CommonPrefix.builder().prefix(item).build());
            }
            last = item;
        }
        return ListObjectsV2Response.builder()
                .name(models.bucket())
                .prefix(request.prefix())
                .delimiter(request.delimiter())
                .maxKeys(maxKeys)
                .keyCount(contents.size() + prefixes.size())
                .contents(contents)
                .commonPrefixes(prefixes)
                .isTruncated(truncated)
                .nextContinuationToken(truncated ? last : null)
                .build();
    }

    ListObjectVersionsResponse versions(ListObjectVersionsRequest request) {
        models.requireBucket(request.bucket());
        caller.require(Role.READER, null);
        String prefix = request.prefix() == null ? "" : request.prefix();
        int maxKeys = request.maxKeys() == null ? MAX_KEYS : Math.min(request.maxKeys(), MAX_KEYS);
        String keyMarker = request.keyMarker();
        String versionMarker = request.versionIdMarker();
        List<ObjectVersion> versions = new ArrayList<>();
        List<CommonPrefix> prefixes = new ArrayList<>();
        String lastKey = null;
        String lastVersion = null;
        boolean truncated = false;
        outer:
        for (Entry entry : entries(prefix)) {
            String item = rolledUp(entry.key(), prefix, request.delimiter());
            if (!item.equals(entry.key())) {
                if (item.equals(lastKey) || (keyMarker != null && item.compareTo(keyMarker) <= 0)) {
                    continue;
                }
                if (versions.size() + prefixes.size() == maxKeys) {
                    truncated = true;
                    break;
                }
                prefixes.add(CommonPrefix.builder().prefix(item).build());
                lastKey = item;
                lastVersion = null;
                continue;
            }
            if (keyMarker != null && (entry.key().compareTo(keyMarker) < 0
                    || (entry.key().equals(keyMarker) && (versionMarker == null || versionMarker.isEmpty())))) {
                continue;
            }
            boolean skipping = keyMarker != null && entry.key().equals(keyMarker);
            for (ModelDescriptor version : allVersions(entry.model(), entry.key())) {
                if (skipping) {
                    skipping = !version.version().equals(versionMarker);
                    continue;
                }
                if (versions.size() + prefixes.size() == maxKeys) {
                    truncated = true;
                    break outer;
                }
                versions.add(ObjectVersion.builder().key(entry.key()).versionId(version.version())
                        .isLatest(version.version().equals(entry.model().latest().version()))
                        .size(version.sizeBytes()).eTag(S3Models.eTagOf(version)).lastModified(version.createdAt())
                        .storageClass(ObjectVersionStorageClass.STANDARD).build());
                lastKey = entry.key();
                lastVersion = version.version();
            }
        }
        return ListObjectVersionsResponse.builder()
                .name(models.bucket())
                .prefix(request.prefix())
                .delimiter(request.delimiter())
                .maxKeys(maxKeys)
                .keyMarker(keyMarker)
                .versionIdMarker(versionMarker)
                .versions(versions)
                .commonPrefixes(prefixes)
                .isTruncated(truncated)
                .nextKeyMarker(truncated ? lastKey : null)
                .nextVersionIdMarker(truncated ? lastVersion : null)
                .build();
    }

    private List<ModelDescriptor> allVersions(ModelSummary model, String key) {
        ModelRef ref = new ModelRef(model.latest().batch(), model.metric(), model.tag());
        List<ModelDescriptor> all = new ArrayList<>();
        String cursor = null;
        try {
            do {
                VersionPage page = models.catalog().versions(ref, VERSION_PAGE, cursor);
                all.addAll(page.versions());
                cursor = page.nextCursor();
            } while (cursor != null);
        } catch (RuntimeException e) {
            throw CatalogErrors.translate(e, key);
        }
        return all;
    }

    /** The key itself, or the common prefix it rolls up into under {@code delimiter}. */
    private static String rolledUp(String key, String prefix, String delimiter) {
        if (delimiter == null || delimiter.isEmpty()) {
            return key;
        }
        int at = key.indexOf(delimiter, prefix.length());
        return at < 0 ? key : key.substring(0, at + delimiter.length());
    }

    /** The models under {@code prefix} the caller may read, by key. */
    private List<Entry> entries(String prefix) {
        String modelsFolder = models.keys().prefix();
        if (!prefix.startsWith(modelsFolder) && !modelsFolder.startsWith(prefix)) {
            return List.of();
        }
        String rest = prefix.length() > modelsFolder.length() ? prefix.substring(modelsFolder.length()) : "";
        int slash = rest.indexOf('/');
        List<Entry> entries = new ArrayList<>();
        for (String batch : slash > 0 ? List.of(rest.substring(0, slash)) : batches(prefix)) {
            String folder = models.keys().batchFolder(batch);
            if (!validBatch(batch) || !caller.mayRead(batch) || !folder.startsWith(prefix) && !prefix.startsWith(folder)) {
                continue;
            }
            for (ModelSummary model : modelsOf(batch, prefix)) {
                Optional<String> key = models.keys().keyOf(new ModelRef(batch, model.metric(), model.tag()),
                        S3Models.extensionOf(model.latest()));
                key.filter(k -> k.startsWith(prefix)).ifPresent(k -> entries.add(new Entry(k, model)));
            }
        }
        entries.sort(Comparator.comparing(Entry::key));
        return entries;
    }

    private List<String> batches(String prefix) {
        try {
            return models.catalog().batches();
        } catch (RuntimeException e) {
            throw CatalogErrors.translate(e, prefix);
        }
    }

    /** A batch's models; none when it was emptied since it was listed. */
    private List<ModelSummary> modelsOf(String batch, String prefix) {
        try {
            return models.catalog().models(batch);
        } catch (ModelNotFoundException e) {
            return List.of();
        } catch (RuntimeException e) {
            throw CatalogErrors.translate(e, prefix);
        }
    }

    private static boolean validBatch(String batch) {
        return batch.matches(ModelNames.PATTERN);
    }
}
