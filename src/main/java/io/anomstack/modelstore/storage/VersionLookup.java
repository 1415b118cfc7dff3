package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelNotFoundException;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.VersionId;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Finds a model's committed versions: lists their metadata documents and reads their descriptors through the read
 * cache, many at once when asked for several. Shared by the catalog's other parts; it writes nothing.
 */
final class VersionLookup {

    private final LocationStores stores;
    private final DescriptorCodec codec;
    private final ReadCache cache;
    private final Executor readExecutor;

    VersionLookup(LocationStores stores, DescriptorCodec codec, ReadCache cache, Executor readExecutor) {
        this.stores = stores;
        this.codec = codec;
        this.cache = cache;
        this.readExecutor = readExecutor;
    }

    /** The versions that have a metadata document, in listing order (oldest first). */
    List<VersionId> list(ModelRef model) {
        LocationStore store = stores.forBatch(model.batch());
        return store.operations().listKeys(store.layout().metadataKeyPrefix(model), true).stream()
                .flatMap(key -> store.layout().versionOfMetadataKey(key).stream())
                .toList();
    }

    /** The versions that have a metadata document, newest first; a mutable list. */
    List<VersionId> newestFirst(ModelRef model) {
        List<VersionId> newestFirst = new ArrayList<>(list(model));
        newestFirst.sort(Comparator.reverseOrder());
        return newestFirst;
    }

    /** A version's descriptor; null when it has no metadata document. */
    @Nullable ModelDescriptor find(ModelRef model, VersionId version) {
        LocationStore store = stores.forBatch(model.batch());
        String key = store.layout().metadataKey(model, version);
        return cache.descriptor(key, () -> store.operations().read(key).map(doc -> codec.read(doc.bytes()))).orElse(null);
    }

    /**
     * A version's descriptor.
     *
     * @throws ModelNotFoundException when it has no metadata document
     */
    ModelDescriptor require(ModelRef model, VersionId version) {
        ModelDescriptor descriptor = find(model, version);
        if (descriptor == null) {
            throw ModelNotFoundException.version(model, version);
        }
        return descriptor;
    }

    /** The newest version that can be read; null when the model has none. */
    @Nullable ModelDescriptor newest(ModelRef model) {
        List<VersionId> versions = list(model);
        for (int i = versions.size() - 1; i >= 0; i--) {
            ModelDescriptor descriptor = find(model, versions.get(i));
            if (descriptor != null) {
                return descriptor;
            }
        }
        return null;
    }

    /** Reads many small objects at once: a page of versions costs one round trip of latency, not fifty. */
    <T, R> List<R> readAll(List<T> items, Function<T, R> read) {
        List<CompletableFuture<R>> futures = items.stream()
                .map(item -> CompletableFuture.supplyAsync(() -> read.apply(item), readExecutor))
                .toList();
        List<R> results = new ArrayList<>(futures.size());
        for (CompletableFuture<R> future : futures) {
            try {
                results.add(future.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        return results;
    }
}
