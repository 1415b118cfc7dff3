package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ArchiveState;
import io.anomstack.modelstore.catalog.InvalidRequestException;
import io.anomstack.modelstore.catalog.ModelArchivedException;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelNotFoundException;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.RestoreResult;
import io.anomstack.modelstore.catalog.RestoreTier;
import io.anomstack.modelstore.catalog.StoreAccessException;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import io.anomstack.modelstore.catalog.VersionId;
import io.anomstack.modelstore.s3.ObjectArchivedException;
import io.anomstack.modelstore.s3.ObjectRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The archive side of versions: their model objects' live archive state, restores of archived ones, and the
 * refusal to point latest or an alias at a version S3 cannot serve.
 */
final class ArchiveStates {

    private static final Logger log = LoggerFactory.getLogger(ArchiveStates.class);

    private final LocationStores stores;
    private final VersionLookup lookup;
    /** Holds no configuration, only which buckets' missing s3:RestoreObject was logged already. */
    private final ObjectArchive archive = new ObjectArchive();

    ArchiveStates(LocationStores stores, VersionLookup lookup) {
        this.stores = stores;
        this.lookup = lookup;
    }

    /** A version's descriptor with its archive state, or without it when the store could not tell. */
    ModelDescriptor describe(ModelRef model, VersionId version) {
        ModelDescriptor descriptor = lookup.require(model, version);
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

    RestoreResult restore(ModelRef model, VersionId version, int days, RestoreTier tier) {
        ObjectRequests operations = stores.forBatch(model.batch()).operations();
        ModelDescriptor descriptor = lookup.require(model, version);
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
    void requireReadable(ModelDescriptor version) {
        Optional<ArchiveState> state = archive.state(stores.forBatch(version.batch()).operations(), version.key());
        if (state.isPresent() && !state.get().readable()) {
            throw new ModelArchivedException(version.ref(), version.versionId(), state.get());
        }
    }

    /**
     * The archive state behind S3's refusal to read a model object: one HeadObject asks for the restore status, on
     * this error path only; when that fails too, what the refusal said is all there is.
     */
    ArchiveState afterRefusal(ModelDescriptor version, ObjectArchivedException refusal) {
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
}
