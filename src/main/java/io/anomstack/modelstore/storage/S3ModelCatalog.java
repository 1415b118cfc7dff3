package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.ObjectSettings;
import io.anomstack.modelstore.s3.ObjectArchivedException;
import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.PreconditionFailedException;
import io.anomstack.modelstore.s3.S3Location;
import io.anomstack.modelstore.catalog.ArchiveState;
import io.anomstack.modelstore.catalog.InvalidRequestException;
import io.anomstack.modelstore.catalog.ModelArchivedException;
import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.ModelContent;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.catalog.ModelNames;
import io.anomstack.modelstore.catalog.ModelNotFoundException;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.ModelSummary;
import io.anomstack.modelstore.catalog.ModelTooLargeException;
import io.anomstack.modelstore.catalog.ModelUpload;
import io.anomstack.modelstore.catalog.PageCursors;
import io.anomstack.modelstore.catalog.PruneResult;
import io.anomstack.modelstore.catalog.RestoreResult;
import io.anomstack.modelstore.catalog.RestoreTier;
import io.anomstack.modelstore.catalog.RetentionRule;
import io.anomstack.modelstore.catalog.StoreAccessException;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import io.anomstack.modelstore.catalog.VersionConflictException;
import io.anomstack.modelstore.catalog.VersionInUseException;
import io.anomstack.modelstore.catalog.VersionId;
import io.anomstack.modelstore.catalog.VersionIdGenerator;
import io.anomstack.modelstore.catalog.VersionPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.Set;
import java.util.HashSet;

/**
 * The model catalog on S3. A version is committed by its metadata document, written with
 * {@code If-None-Match: *} after the model bytes: until then nothing lists it. A small pointer object per
 * model holds the latest version's descriptor, so resolving latest costs one GET however many versions
 * exist; it only ever moves forward, by conditional writes.
 */
final class S3ModelCatalog implements ModelCatalog {

    private static final Logger log = LoggerFactory.getLogger(S3ModelCatalog.class);
    /** How many of a model's newest versions an Idempotency-Key is looked for in, besides latest. */
    private static final int IDEMPOTENCY_WINDOW = 10;

    private final LocationStores stores;
    private final SupersededVersions marks;
    private final PageCursors cursors;
    private final DescriptorCodec codec;
    private final VersionIdGenerator versionIds;
    private final ReadCache cache;
    private final long maxModelBytes;
    private final Executor readExecutor;
    private final Clock clock;
    private final ObjectSettings.PerBatch settings;
    private final WritesInProgress active;
    /** Holds no configuration, only which buckets' missing s3:RestoreObject was logged already. */
    private final ObjectArchive archive = new ObjectArchive();

    S3ModelCatalog(LocationStores stores, DescriptorCodec codec, VersionIdGenerator versionIds, ReadCache cache,
                   ObjectSettings.PerBatch settings, SupersededVersions marks, PageCursors cursors, long maxModelBytes,
                   Executor readExecutor, WritesInProgress active, Clock clock) {
        this.stores = stores;
        this.active = active;
        this.cursors = cursors;
        this.marks = marks;
        this.codec = codec;
        this.versionIds = versionIds;
        this.cache = cache;
        this.maxModelBytes = maxModelBytes;
        this.readExecutor = readExecutor;
        this.clock = clock;
        this.settings = settings;
    }

    @Override
    public ModelDescriptor upload(ModelUpload upload) {
        ModelRef model = upload.model();
        LocationStore store = stores.forBatch(model.batch());
        String extension = S3KeyLayout.extensionOf(upload.fileName());
        if (upload.declaredLength() > maxModelBytes) {
            throw new ModelTooLargeException(maxModelBytes);
        }
        VersionId version = versionIds.next(model);
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
        MeasuredInputStream body = new MeasuredInputStream(upload.body(), maxModelBytes, upload.declaredLength());
        StreamingUploader.Result stored;
        try {
            stored = store.uploader().upload(modelKey, upload.contentType(), body, upload.expectedSha256(), objectSettings);
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
                    target.bucket(), modelKey, metadata, upload.idempotencyKey());
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

    @Override
    public Optional<ModelDescriptor> uploadedWith(ModelRef model, String idempotencyKey) {
        Optional<ModelDescriptor> latest = stores.forBatch(model.batch()).pointers().read(model)
                .map(pointer -> pointer.descriptor().asVersion())
                .filter(descriptor -> idempotencyKey.equals(descriptor.idempotencyKey()));
        if (latest.isPresent()) {
            return latest;
        }
        List<VersionId> newestFirst = new ArrayList<>(listVersions(model));
        newestFirst.sort(Comparator.reverseOrder());
        List<VersionId> newest = newestFirst.subList(0, Math.min(IDEMPOTENCY_WINDOW, newestFirst.size()));
        return readAll(newest, version -> readDescriptor(model, version)).stream()
                .filter(descriptor -> descriptor != null && idempotencyKey.equals(descriptor.idempotencyKey()))
                .findFirst();
    }

    /**
     * Writes a version's metadata document unless one exists. When the SDK retried the write because the answer to
     * an attempt that S3 had carried out was lost (a connection cut after the request), the retry finds the very
     * document it writes: that is this upload's own commit, not a conflict.
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

    @Override
    public List<String> batches() {
        return stores.all().stream()
                .flatMap(store -> store.operations().listFolders(store.layout().prefix()).stream()
                        .filter(S3ModelCatalog::isName)
                        .filter(batch -> stores.places(batch, store)))
                .distinct()
                .sorted()
                .toList();
    }

    @Override
    public List<ModelSummary> models(String batch) {
        LocationStore store = stores.forBatch(batch);
        ModelNames.require("batch", batch);
        List<ModelRef> models = store.operations().listKeys(store.layout().batchFolder(batch), false).stream()
                .flatMap(key -> store.layout().modelOfLatestKey(batch, key).stream())
                .toList();
        List<ModelSummary> summaries = readAll(models, model -> store.pointers().read(model)
                .map(pointer -> new ModelSummary(model.metric(), model.tag(), pointer.descriptor()))
                .orElse(null)).stream()
                .filter(Objects::nonNull)
                .sorted(Comparator.comparing(ModelSummary::metric)
                        .thenComparing(ModelSummary::tag, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
        if (summaries.isEmpty()) {
            throw ModelNotFoundException.batch(batch);
        }
        return summaries;
    }

    @Override
    public VersionPage versions(ModelRef model, int limit, String cursor) {
        VersionId before = cursor == null ? null : cursors.decode(model, cursor);
        List<VersionId> newestFirst = new ArrayList<>(listVersions(model));
        newestFirst.sort(Comparator.reverseOrder());
        if (newestFirst.isEmpty() && before == null) {
            throw ModelNotFoundException.model(model);
        }
        List<VersionId> older = before == null ? newestFirst
                : newestFirst.stream().filter(version -> version.compareTo(before) < 0).toList();
        List<VersionId> page = older.subList(0, Math.min(limit, older.size()));
        List<ModelDescriptor> descriptors = readAll(page, version -> readDescriptor(model, version)).stream()
                .filter(Objects::nonNull)
                .toList();
        String next = older.size() > page.size() ? cursors.encode(model, page.get(page.size() - 1)) : null;
        return new VersionPage(descriptors, next);
    }

    @Override
    public ModelDescriptor latest(ModelRef model) {
        LocationStore store = stores.forBatch(model.batch());
        return store.pointers().read(model).map(LatestPointer::descriptor)
                .map(latest -> latest.pinned() == null ? latest.asLatest(false) : latest)
                .orElseGet(() -> repairLatest(model));
    }

    @Override
    public ModelDescriptor version(ModelRef model, VersionId version) {
        ModelDescriptor descriptor = readDescriptor(model, version);
        if (descriptor == null) {
            throw ModelNotFoundException.version(model, version);
        }
        return descriptor;
    }

    @Override
    public ModelContent open(ModelDescriptor version) {
        LocationStore store = stores.forBatch(version.batch());
        if (cache.keepsModel(version.storedBytes())) {
            byte[] stored = cachedModel(version);
            return new ModelContent(version, new ByteArrayInputStream(stored));
        }
        return readModel(version, () -> store.operations().open(version.key(), 0, null))
                .map(body -> new ModelContent(version, body))
                .orElseThrow(() -> ModelNotFoundException.version(version.ref(), version.versionId()));
    }

    @Override
    public ModelContent openOriginal(ModelDescriptor version) {
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

    @Override
    public ModelContent openRange(ModelDescriptor version, long first, long last) {
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
            throw new ModelArchivedException(version.ref(), version.versionId(), archiveStateAfterRefusal(version, e));
        }
    }

    /**
     * The restore status is not part of S3's refusal: one HeadObject asks for it, on this error path only. When that
     * fails too, what the refusal said is all there is.
     */
    private ArchiveState archiveStateAfterRefusal(ModelDescriptor version, ObjectArchivedException refusal) {
        try {
            Optional<ArchiveState> state = archive.state(stores.forBatch(version.batch()).operations(), version.key());
            if (state.isPresent() && state.get().archived()) {
                return state.get();
            }
        } catch (StoreUnavailableException | StoreAccessException e) {
            log.debug("No archive state for {}: {}", version.key(), e.getMessage());
        }
        return new ArchiveState(refusal.storageClass(), true, refusal.accessTier(), null, null);
    }

    @Override
    public ModelDescriptor describe(ModelRef model, VersionId version) {
        ModelDescriptor descriptor = version(model, version);
        try {
            return archive.state(stores.forBatch(model.batch()).operations(), descriptor.key())
                    .map(descriptor::withArchive)
                    .orElse(descriptor);
        } catch (StoreUnavailableException | StoreAccessException e) {
            // The descriptor is still true; only the live part is missing, and its absence says so.
            log.warn("Describing {} without its archive state: {}", descriptor.key(), e.getMessage());
            return descriptor;
        }
    }

    @Override
    public RestoreResult restore(ModelRef model, VersionId version, int days, RestoreTier tier) {
        ObjectRequests operations = stores.forBatch(model.batch()).operations();
        ModelDescriptor descriptor = version(model, version);
        ArchiveState before = archive.state(operations, descriptor.key())
                .orElseThrow(() -> ModelNotFoundException.version(model, version));
        if (!before.archived()) {
            throw notArchived(model, version, before);
        }
        if (!tier.availableFor(before)) {
            throw new InvalidRequestException("S3 has no Expedited restores from " + before.describe() + "; use tier "
                    + "Standard (" + RestoreTier.STANDARD.typicalDuration(before) + ") or Bulk ("
                    + RestoreTier.BULK.typicalDuration(before) + ").");
        }
        Integer copyDays = before.restoresInPlace() ? null : days;
        ArchiveState after = switch (archive.restore(operations, descriptor.key(), copyDays, tier)) {
            case STARTED, IN_PROGRESS -> new ArchiveState(before.storageClass(), true, before.accessTier(),
                    ArchiveState.RestoreStatus.IN_PROGRESS, null);
            // S3 moved the restored copy's expiry: ask for the new one.
            case ALREADY_RESTORED -> archive.state(operations, descriptor.key()).orElse(before);
            case NOT_ARCHIVED -> throw notArchived(model, version, before);
        };
        ArchiveState.RestoreStatus status = after.readable() ? ArchiveState.RestoreStatus.RESTORED
                : ArchiveState.RestoreStatus.IN_PROGRESS;
        return new RestoreResult(model.batch(), model.metric(), model.tag(), version.value(), status, tier.token(),
                copyDays, tier.typicalDuration(before), after);
    }

    private static InvalidRequestException notArchived(ModelRef model, VersionId version, ArchiveState state) {
        return new InvalidRequestException("Version " + version + " of model " + model + " is not archived (its object is in "
                + (state.storageClass() == null ? "a storage class S3 did not name" : state.storageClass())
                + "): it can be downloaded as it is, there is nothing to restore.");
    }

    /**
     * Latest and aliases are what scorers download: pointing them at a version S3 cannot serve would turn a working
     * model into errors, so that is refused until the version is restored.
     */
    private void requireReadable(ModelDescriptor version) {
        Optional<ArchiveState> state = archive.state(stores.forBatch(version.batch()).operations(), version.key());
        if (state.isPresent() && !state.get().readable()) {
            throw new ModelArchivedException(version.ref(), version.versionId(), state.get());
        }
    }

    @Override
    public void deleteVersion(ModelRef model, VersionId version) {
        LocationStore store = stores.forBatch(model.batch());
        ModelDescriptor descriptor = version(model, version);
        List<String> aliasing = store.aliases().all(model).entrySet().stream()
                .filter(alias -> alias.getValue().equals(version)).map(Map.Entry::getKey).toList();
        if (!aliasing.isEmpty()) {
            throw new VersionInUseException(model, version, aliasing);
        }
        removeVersion(model, version);
        store.pointers().retreat(model, version, () -> newestVersion(model));
        store.pointers().read(model).ifPresent(latest -> marks.inUse(store, latest.descriptor()));
    }

    @Override
    public ModelDescriptor pinLatest(ModelRef model, VersionId version) {
        LocationStore store = stores.forBatch(model.batch());
        ModelDescriptor pinned = version(model, version);
        requireReadable(pinned);
        marks.inUse(store, pinned);
        marks.released(store, store.pointers().pin(pinned));
        return pinned.asLatest(true);
    }

    @Override
    public Map<String, VersionId> aliases(ModelRef model) {
        LocationStore store = stores.forBatch(model.batch());
        return store.aliases().all(model);
    }

    @Override
    public ModelDescriptor alias(ModelRef model, String alias) {
        LocationStore store = stores.forBatch(model.batch());
        ModelNames.require("alias", alias);
        return store.aliases().get(model, alias).orElseThrow(() -> ModelNotFoundException.alias(model, alias));
    }

    @Override
    public ModelDescriptor setAlias(ModelRef model, String alias, VersionId version) {
        LocationStore store = stores.forBatch(model.batch());
        ModelNames.require("alias", alias);
        ModelDescriptor target = version(model, version);
        requireReadable(target);
        marks.inUse(store, target);
        Optional<ModelDescriptor> before = store.aliases().get(model, alias);
        store.aliases().set(model, alias, target);
        marks.released(store, before);
        return target;
    }

    @Override
    public void deleteAlias(ModelRef model, String alias) {
        LocationStore store = stores.forBatch(model.batch());
        ModelNames.require("alias", alias);
        Optional<ModelDescriptor> before = store.aliases().get(model, alias);
        if (!store.aliases().delete(model, alias)) {
            throw ModelNotFoundException.alias(model, alias);
        }
        marks.released(store, before);
    }

    @Override
    public PruneResult prune(ModelRef model, RetentionRule rule, boolean dryRun) {
        LocationStore store = stores.forBatch(model.batch());
        List<VersionId> newestFirst = new ArrayList<>(listVersions(model));
        newestFirst.sort(Comparator.reverseOrder());
        if (newestFirst.isEmpty()) {
            throw ModelNotFoundException.model(model);
        }
        Set<VersionId> untouchable = new HashSet<>(store.aliases().all(model).values());
        untouchable.add(latest(model).versionId());
        Instant now = clock.instant();
        List<String> kept = new ArrayList<>();
        List<String> protectedVersions = new ArrayList<>();
        List<VersionId> pruned = new ArrayList<>();
        for (int i = 0; i < newestFirst.size(); i++) {
            VersionId version = newestFirst.get(i);
            if (rule.keeps(i, version, now)) {
                kept.add(version.value());
            } else if (untouchable.contains(version)) {
                protectedVersions.add(version.value());
            } else {
                pruned.add(version);
            }
        }
        if (!dryRun) {
            pruned.forEach(version -> removeVersion(model, version));
        }
        String note = pruned.isEmpty() || !store.versioning().versioned() ? null
                : "The bucket keeps versions of overwritten and deleted objects: the pruned versions' noncurrent copies "
                + "stay until the bucket's lifecycle rule expires them.";
        return new PruneResult(dryRun, rule, pruned.stream().map(VersionId::value).toList(), kept, protectedVersions, note);
    }

    /** Deletes a version no alias or pointer shows: its metadata first, so that it stops being listed. */
    private void removeVersion(ModelRef model, VersionId version) {
        LocationStore store = stores.forBatch(model.batch());
        ModelDescriptor descriptor = readDescriptor(model, version);
        if (descriptor == null) {
            return;
        }
        String metadataKey = store.layout().metadataKey(model, version);
        store.operations().delete(metadataKey);
        store.operations().delete(descriptor.key());
        cache.forgetVersion(metadataKey, descriptor.key());
    }

    @Override
    public void deleteModel(ModelRef model) {
        LocationStore store = stores.forBatch(model.batch());
        List<String> keys = new ArrayList<>(store.operations().listKeys(store.layout().modelFolder(model), true));
        keys.addAll(store.aliases().keys(model));
        if (keys.isEmpty()) {
            throw ModelNotFoundException.model(model);
        }
        // Pointer first, then metadata: readers stop seeing versions before their bytes go.
        String latestKey = store.layout().latestKey(model);
        List<String> ordered = new ArrayList<>(keys);
        ordered.sort(Comparator.comparing((String key) -> !key.equals(latestKey))
                .thenComparing(key -> store.layout().versionOfMetadataKey(key).isEmpty()));
        store.operations().deleteAll(ordered);
        store.pointers().forget(model);
        ordered.forEach(key -> cache.forgetVersion(key, key));
    }

    private List<VersionId> listVersions(ModelRef model) {
        LocationStore store = stores.forBatch(model.batch());
        return store.operations().listKeys(store.layout().metadataKeyPrefix(model), true).stream()
                .flatMap(key -> store.layout().versionOfMetadataKey(key).stream())
                .toList();
    }

    private ModelDescriptor readDescriptor(ModelRef model, VersionId version) {
        LocationStore store = stores.forBatch(model.batch());
        String key = store.layout().metadataKey(model, version);
        return cache.descriptor(key, () -> store.operations().read(key).map(doc -> codec.read(doc.bytes()))).orElse(null);
    }

    /** Rebuilds a missing pointer from the listing (after a crash between commit and pointer update). */
    private ModelDescriptor repairLatest(ModelRef model) {
        LocationStore store = stores.forBatch(model.batch());
        ModelDescriptor newest = newestVersion(model);
        if (newest == null) {
            throw ModelNotFoundException.model(model);
        }
        marks.inUse(store, newest);
        store.pointers().advance(newest);
        return newest.asLatest(false);
    }

    private ModelDescriptor newestVersion(ModelRef model) {
        List<VersionId> versions = listVersions(model);
        for (int i = versions.size() - 1; i >= 0; i--) {
            ModelDescriptor descriptor = readDescriptor(model, versions.get(i));
            if (descriptor != null) {
                return descriptor;
            }
        }
        return null;
    }

    /** Reads many small objects at once: a page of versions costs one round trip of latency, not fifty. */
    private <T, R> List<R> readAll(List<T> items, Function<T, R> read) {
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

    private static boolean isName(String value) {
        return value.matches(ModelNames.PATTERN);
    }
}
