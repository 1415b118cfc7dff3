package io.anomstack.modelstore.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelRef;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What this replica remembers of S3 between requests: latest pointers for a short time, and things that never
 * change once written (version descriptors, the bytes of small models) for longer. Uploads and deletes through
 * this replica update it before they are acknowledged, so a deleted version is never served here after that.
 */
final class ReadCache {

    private static final int MAX_ENTRIES = 100_000;
    /** Suffix of the cache key of a compressed model's decoded bytes; '#' never occurs in the service's keys. */
    private static final String ORIGINAL = "#original";

    private final Cache<ModelRef, Optional<LatestPointer>> latest;
    private final Cache<String, ModelDescriptor> descriptors;
    private final Cache<String, byte[]> models;
    private final long maxModelBytes;

    ReadCache(CacheProperties properties) {
        boolean enabled = properties.enabled();
        this.latest = Caffeine.newBuilder()
                .expireAfterWrite(properties.latestTtl())
                .maximumSize(enabled ? MAX_ENTRIES : 0)
                .recordStats()
                .build();
        this.descriptors = Caffeine.newBuilder()
                .expireAfterWrite(properties.ttl())
                .maximumSize(enabled ? MAX_ENTRIES : 0)
                .recordStats()
                .build();
        this.models = Caffeine.newBuilder()
                .expireAfterWrite(properties.ttl())
                .maximumWeight(enabled ? properties.maxSize().toBytes() : 0)
                .weigher((String key, byte[] bytes) -> bytes.length)
                .recordStats()
                .build();
        this.maxModelBytes = enabled ? properties.maxModelSize().toBytes() : -1;
    }

    /** The caches by name, for their hit and miss meters ({@link ReadCacheMetrics}). */
    Map<String, Cache<?, ?>> caches() {
        return Map.of("latest", latest, "descriptors", descriptors, "models", models);
    }

    Optional<LatestPointer> latest(ModelRef model, Function<ModelRef, Optional<LatestPointer>> read) {
        return latest.get(model, read);
    }

    void latestChanged(ModelRef model, LatestPointer pointer) {
        latest.put(model, Optional.of(pointer));
    }

    void forgetLatest(ModelRef model) {
        latest.invalidate(model);
    }

    /** A version's descriptor by metadata key; absent versions are not remembered. */
    Optional<ModelDescriptor> descriptor(String metadataKey, Supplier<Optional<ModelDescriptor>> read) {
        ModelDescriptor cached = descriptors.getIfPresent(metadataKey);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<ModelDescriptor> descriptor = read.get();
        descriptor.ifPresent(d -> descriptors.put(metadataKey, d));
        return descriptor;
    }

    /** Whether a model stored in this many bytes is kept in memory. */
    boolean keepsModel(long storedBytes) {
        return storedBytes <= maxModelBytes;
    }

    /** A small model's stored bytes, read once; absent objects are not remembered. */
    Optional<byte[]> model(String key, Supplier<Optional<byte[]>> read) {
        byte[] cached = models.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<byte[]> bytes = read.get();
        bytes.ifPresent(b -> models.put(key, b));
        return bytes;
    }

    /** A small compressed model's original bytes, decoded once. */
    byte[] originalModel(String key, Supplier<byte[]> decode) {
        // Not models.get(key, loader): decoding reads the stored bytes through this same cache, and a cache may not
        // be written from inside its own loader.
        byte[] cached = models.getIfPresent(key + ORIGINAL);
        if (cached != null) {
            return cached;
        }
        byte[] original = decode.get();
        models.put(key + ORIGINAL, original);
        return original;
    }

    void forgetVersion(String metadataKey, String modelKey) {
        descriptors.invalidate(metadataKey);
        models.invalidate(modelKey);
        models.invalidate(modelKey + ORIGINAL);
    }
}
