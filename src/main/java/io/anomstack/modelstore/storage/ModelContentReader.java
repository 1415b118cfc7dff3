package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelArchivedException;
import io.anomstack.modelstore.catalog.ModelContent;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.catalog.ModelNotFoundException;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import io.anomstack.modelstore.s3.ObjectArchivedException;
import io.anomstack.modelstore.s3.ObjectRequests;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * Opens a version's model bytes, whole, decoded or a range: small models from the read cache, others streamed from
 * S3. An archived object becomes a {@link ModelArchivedException} with its archive state.
 */
final class ModelContentReader {

    private final LocationStores stores;
    private final ReadCache cache;
    private final ArchiveStates archives;

    ModelContentReader(LocationStores stores, ReadCache cache, ArchiveStates archives) {
        this.stores = stores;
        this.cache = cache;
        this.archives = archives;
    }

    ModelContent open(ModelDescriptor version) {
        LocationStore store = stores.forBatch(version.batch());
        if (cache.keepsModel(version.storedBytes())) {
            byte[] stored = cachedModel(version);
            return new ModelContent(version, new ByteArrayInputStream(stored));
        }
        return readModel(version, () -> store.operations().open(version.key(), 0, null))
                .map(body -> new ModelContent(version, body))
                .orElseThrow(() -> ModelNotFoundException.version(version.ref(), version.versionId()));
    }

    ModelContent openOriginal(ModelDescriptor version) {
        ModelEncoding encoding = ModelEncoding.fromToken(version.contentEncoding());
        if (encoding == ModelEncoding.IDENTITY) {
            return open(version);
        }
        if (cache.keepsModel(version.sizeBytes())) {
            // A small model that scorers fetch again and again is decoded once, not on every request.
            byte[] original = cache.originalModel(version.key(), () -> decode(cachedModel(version), encoding));
            return new ModelContent(version, new ByteArrayInputStream(original));
        }
        ModelContent stored = open(version);
        try {
            return new ModelContent(version, encoding.decoder(stored.body()));
        } catch (IOException e) {
            throw new StoreUnavailableException("The stored model " + version.key() + " could not be decoded: "
                    + e.getMessage(), e);
        }
    }

    private static byte[] decode(byte[] stored, ModelEncoding encoding) {
        try (InputStream original = encoding.decoder(new ByteArrayInputStream(stored))) {
            return original.readAllBytes();
        } catch (IOException e) {
            throw new StoreUnavailableException("A stored model could not be decoded: " + e.getMessage(), e);
        }
    }

    ModelContent openRange(ModelDescriptor version, long first, long last) {
        LocationStore store = stores.forBatch(version.batch());
        if (cache.keepsModel(version.storedBytes())) {
            byte[] stored = cachedModel(version);
            return new ModelContent(version, new ByteArrayInputStream(stored, (int) first, (int) (last - first + 1)));
        }
        return readModel(version, () -> store.operations().open(version.key(), first, last))
                .map(body -> new ModelContent(version, body))
                .orElseThrow(() -> ModelNotFoundException.version(version.ref(), version.versionId()));
    }

    private byte[] cachedModel(ModelDescriptor version) {
        LocationStore store = stores.forBatch(version.batch());
        return readModel(version, () -> cache.model(version.key(),
                        () -> store.operations().read(version.key()).map(ObjectRequests.Document::bytes)))
                .orElseThrow(() -> ModelNotFoundException.version(version.ref(), version.versionId()));
    }

    /**
     * Reads a model object, telling an archived one (S3 refuses to read it) apart from an access problem. Nothing of
     * a refused read is cached, so the answer changes as soon as a restore has finished.
     */
    private <T> T readModel(ModelDescriptor version, Supplier<T> read) {
        try {
            return read.get();
        } catch (ObjectArchivedException e) {
            throw new ModelArchivedException(version.ref(), version.versionId(), archives.afterRefusal(version, e));
        }
    }
}
