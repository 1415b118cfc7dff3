package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.ModelTooLargeException;
import io.anomstack.modelstore.catalog.ModelUpload;
import io.anomstack.modelstore.catalog.PickleCheck;
import io.anomstack.modelstore.catalog.VersionConflictException;
import io.anomstack.modelstore.catalog.VersionId;
import io.anomstack.modelstore.s3.ObjectSettings;
import io.anomstack.modelstore.s3.PreconditionFailedException;
import io.anomstack.modelstore.s3.S3Location;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stores new versions: takes the next id from the model's {@link VersionSequence}, streams the model object (scanned by
 * the batch's {@link PickleGate} on the way, and refused before it exists when the gate says so), commits its
 * metadata document with {@code If-None-Match: *}, then moves the latest pointer forward. Also finds the version an earlier upload with the same Idempotency-Key stored.
 */
final class ModelCommits {

    /** How many of a model's newest versions an Idempotency-Key is looked for in, besides latest. */
    private static final int IDEMPOTENCY_WINDOW = 10;

    private final LocationStores stores;
    private final VersionLookup lookup;
    private final DescriptorCodec codec;
    private final ObjectSettings.PerBatch settings;
    private final SupersededVersions marks;
    private final WritesInProgress active;
    private final PickleGate pickles;
    private final long maxModelBytes;
    private final Clock clock;

    ModelCommits(LocationStores stores, VersionLookup lookup, DescriptorCodec codec,
                 ObjectSettings.PerBatch settings, SupersededVersions marks, WritesInProgress active, PickleGate pickles,
                 long maxModelBytes, Clock clock) {
        this.pickles = pickles;
        this.stores = stores;
        this.lookup = lookup;
        this.codec = codec;
        this.settings = settings;
        this.marks = marks;
        this.active = active;
        this.maxModelBytes = maxModelBytes;
        this.clock = clock;
    }

    ModelDescriptor upload(ModelUpload upload) {
        ModelRef model = upload.model();
        LocationStore store = stores.forBatch(model.batch());
        String extension = S3KeyLayout.extensionOf(upload.fileName());
        if (upload.declaredLength() > maxModelBytes) {
            throw new ModelTooLargeException(maxModelBytes);
        }
        VersionId version = store.sequence().issue(model, () -> lookup.newestFirst(model).stream().findFirst().orElse(null));
        ObjectSettings objectSettings = settings.forBatch(model.batch());
        String modelKey = store.layout().modelKey(model, version, extension);
        // Until its metadata is committed, the stale-upload sweep must not take the model object for an orphan.
        active.writing(modelKey);
        try {
            return storeAndCommit(upload, store, version, modelKey, objectSettings);
        } finally {
            active.written(modelKey);
        }
    }

    private ModelDescriptor storeAndCommit(ModelUpload upload, LocationStore store, VersionId version, String modelKey,
                                           ObjectSettings objectSettings) {
        ModelRef model = upload.model();
        MeasuredInputStream body = new MeasuredInputStream(upload.body(), maxModelBytes, upload.declaredLength(),
                pickles.scannerFor(model.batch()));
        AtomicReference<PickleCheck> pickle = new AtomicReference<>();
        StreamingUploader.Result stored;
        try {
            stored = store.uploader().upload(modelKey, upload.contentType(), body, upload.expectedSha256(), objectSettings,
                    whole -> pickle.set(pickles.admit(model, whole.pickleReport())));
        } catch (PreconditionFailedException e) {
            throw new VersionConflictException(model, version);
        }
        ModelDescriptor descriptor;
        try {
            Map<String, Object> metadata = upload.metadata().read();
            S3Location target = store.operations().target();
            ObjectSink.StoredObject object = stored.object();
            descriptor = new ModelDescriptor(model.batch(), model.metric(), model.tag(), version.value(),
                    clock.instant(), body.count(), object.storedBytes(), body.sha256Hex(), upload.contentType(),
                    stored.encoding().token(), objectSettings.storageClass().toString(),
                    object.encryption() == null ? null : new ModelDescriptor.Encryption(object.encryption(), object.kmsKeyId(),
                            object.bucketKey()),
                    target.bucket(), modelKey, metadata, upload.idempotencyKey(), pickle.get());
            commit(store, store.layout().metadataKey(model, version), codec.write(descriptor), objectSettings);
        } catch (PreconditionFailedException e) {
            store.operations().deleteQuietly(modelKey);
            throw new VersionConflictException(model, version);
        } catch (RuntimeException e) {
            store.operations().deleteQuietly(modelKey);
            throw e;
        }
        marks.released(store, store.pointers().advance(descriptor));
        return descriptor;
    }

    Optional<ModelDescriptor> uploadedWith(ModelRef model, String idempotencyKey) {
        Optional<ModelDescriptor> latest = stores.forBatch(model.batch()).pointers().read(model)
                .map(pointer -> pointer.descriptor().asVersion())
                .filter(descriptor -> idempotencyKey.equals(descriptor.idempotencyKey()));
        if (latest.isPresent()) {
            return latest;
        }
        List<VersionId> newestFirst = lookup.newestFirst(model);
        List<VersionId> newest = newestFirst.subList(0, Math.min(IDEMPOTENCY_WINDOW, newestFirst.size()));
        return lookup.readAll(newest, version -> lookup.find(model, version)).stream()
                .filter(descriptor -> descriptor != null && idempotencyKey.equals(descriptor.idempotencyKey()))
                .findFirst();
    }

    /**
     * Writes a version's metadata document unless one exists; finding its very own bytes there (an SDK retry after a
     * lost answer) is this upload's commit, not a conflict.
     *
     * @throws PreconditionFailedException when another writer committed this version
     */
    private static void commit(LocationStore store, String metadataKey, byte[] json, ObjectSettings objectSettings) {
        try {
            store.operations().writeDocument(metadataKey, json, null, objectSettings);
        } catch (PreconditionFailedException e) {
            boolean ours = store.operations().read(metadataKey).map(existing -> Arrays.equals(existing.bytes(), json))
                    .orElse(false);
            if (!ours) {
                throw e;
            }
        }
    }
}
