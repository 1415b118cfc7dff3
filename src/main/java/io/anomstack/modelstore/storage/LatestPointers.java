package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.ObjectSettings;
import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.PreconditionFailedException;
import io.anomstack.modelstore.catalog.LatestChange;
import io.anomstack.modelstore.catalog.LatestChange.Cause;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import io.anomstack.modelstore.catalog.VersionId;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The small pointer object per model that holds its latest version's descriptor, so that resolving latest
 * costs one GET however many versions exist. Uploads only ever move it forward; a rollback pins it to an older
 * version until the next upload; deleting the version it shows moves it to the newest remaining one. Every move
 * is a conditional write, serialised per model within this process (see {@link ModelLocks}), and is recorded in
 * the pointer's own bounded history in that same write, so the history never disagrees with the pointer.
 */
final class LatestPointers {

    private static final int ATTEMPTS = 50;

    private final ObjectRequests operations;
    private final S3KeyLayout layout;
    private final DescriptorCodec codec;
    private final ReadCache cache;
    private final ObjectSettings.PerBatch settings;
    private final Clock clock;
    private final ModelLocks locks = new ModelLocks();

    LatestPointers(ObjectRequests operations, S3KeyLayout layout, DescriptorCodec codec, ReadCache cache,
                   ObjectSettings.PerBatch settings, Clock clock) {
        this.operations = operations;
        this.clock = clock;
        this.settings = settings;
        this.layout = layout;
        this.codec = codec;
        this.cache = cache;
    }

    /** The pointer as this replica knows it (see {@link CacheProperties#latestTtl()}). */
    Optional<LatestPointer> read(ModelRef model) {
        return cache.latest(model, this::readFromS3);
    }

    /**
     * Moves the pointer to a new upload unless it already shows that version or a newer one.
     *
     * @return the version the pointer showed before, when this moved it away from one
     */
    Optional<ModelDescriptor> advance(ModelDescriptor uploaded) {
        ModelDescriptor latest = uploaded.asLatest(false);
        return move(uploaded.ref(), Cause.UPLOAD, current -> current.isEmpty()
                || current.get().descriptor().versionId().compareTo(uploaded.versionId()) < 0 ? latest : null);
    }

    /**
     * Rollback: makes {@code version} latest, older or not, until a newer upload.
     *
     * @return the version the pointer showed before
     */
    Optional<ModelDescriptor> pin(ModelDescriptor version) {
        ModelDescriptor latest = version.asLatest(true);
        return move(version.ref(), Cause.ROLLBACK, current -> latest);
    }

    /** After {@code deleted} is gone: if the pointer showed it, it shows the newest remaining version, or goes. */
    void retreat(ModelRef model, VersionId deleted, Supplier<ModelDescriptor> newestRemaining) {
        synchronized (locks.of(model)) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Optional<LatestPointer> current = readFromS3(model);
                if (current.isEmpty() || !current.get().descriptor().versionId().equals(deleted)) {
                    cache.forgetLatest(model);
                    return;
                }
                ModelDescriptor newest = newestRemaining.get();
                if (newest == null) {
                    operations.delete(layout.latestKey(model));
                    cache.forgetLatest(model);
                    return;
                }
                if (write(model, newest.asLatest(false), Cause.DELETE, current)) {
                    return;
                }
            }
        }
    }

    /** Removes the pointer with its model. */
    void forget(ModelRef model) {
        cache.forgetLatest(model);
    }

    /** What to write given the current pointer; null leaves it as it is. */
    private interface Move {
        @Nullable ModelDescriptor to(Optional<LatestPointer> current);
    }

    /** @return what the pointer showed before this moved it; empty when it did not move or showed nothing */
    private Optional<ModelDescriptor> move(ModelRef model, Cause cause, Move move) {
        synchronized (locks.of(model)) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Optional<LatestPointer> current = readFromS3(model);
                ModelDescriptor target = move.to(current);
                if (target == null) {
                    cache.latestChanged(model, current.orElseThrow());
                    return Optional.empty();
                }
                if (write(model, target, cause, current)) {
                    return current.map(pointer -> pointer.descriptor().asVersion());
                }
            }
        }
        throw new StoreUnavailableException("The latest pointer of " + model + " kept changing under heavy concurrent "
                + "writes; the version is stored but may not be latest yet.", null);
    }

    /** @return false when another writer moved the pointer since {@code current} was read */
    private boolean write(ModelRef model, ModelDescriptor latest, Cause cause, Optional<LatestPointer> current) {
        List<LatestChange> history = history(current, new LatestChange(latest.version(), clock.instant(), cause));
        try {
            String eTag = operations.writeDocument(layout.latestKey(model), codec.writeLatest(latest, history),
                    current.map(LatestPointer::eTag).orElse(null), settings.forBatch(model.batch()));
            cache.latestChanged(model, new LatestPointer(latest, history, eTag));
            return true;
        } catch (PreconditionFailedException e) {
            return false;
        }
    }

    /**
     * The pointer's history with {@code change} first, at most {@link LatestChange#KEPT} long. A pointer written by
     * an earlier release has none: its version then enters as uploaded when it was trained, unless a rollback put it
     * there at a time nobody recorded.
     */
    private static List<LatestChange> history(Optional<LatestPointer> current, LatestChange change) {
        List<LatestChange> history = new ArrayList<>(LatestChange.KEPT);
        history.add(change);
        current.ifPresent(pointer -> {
            ModelDescriptor before = pointer.descriptor();
            if (!pointer.history().isEmpty()) {
                history.addAll(pointer.history());
            } else if (!Boolean.TRUE.equals(before.pinned())) {
                history.add(new LatestChange(before.version(), before.createdAt(), Cause.UPLOAD));
            }
        });
        return List.copyOf(history.subList(0, Math.min(history.size(), LatestChange.KEPT)));
    }

    private Optional<LatestPointer> readFromS3(ModelRef model) {
        return operations.read(layout.latestKey(model)).map(doc -> codec.readLatest(doc.bytes(), doc.eTag()));
    }
}
