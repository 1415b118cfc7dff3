package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.LatestChange;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelNames;
import io.anomstack.modelstore.catalog.ModelNotFoundException;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.VersionId;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves and moves what scorers download by name: a model's latest version (repairing a missing pointer, pinning
 * for a rollback) and its aliases, keeping the superseded marks of the versions they leave and reach.
 */
final class LatestAndAliases {

    private final LocationStores stores;
    private final VersionLookup lookup;
    private final ArchiveStates archives;
    private final SupersededVersions marks;

    LatestAndAliases(LocationStores stores, VersionLookup lookup, ArchiveStates archives, SupersededVersions marks) {
        this.stores = stores;
        this.lookup = lookup;
        this.archives = archives;
        this.marks = marks;
    }

    ModelDescriptor latest(ModelRef model) {
        LocationStore store = stores.forBatch(model.batch());
        return store.pointers().read(model).map(LatestPointer::descriptor)
                .map(latest -> latest.pinned() == null ? latest.asLatest(false) : latest)
                .orElseGet(() -> repairLatest(model));
    }

    List<LatestChange> latestHistory(ModelRef model) {
        LocationStore store = stores.forBatch(model.batch());
        Optional<LatestPointer> pointer = store.pointers().read(model);
        if (pointer.isEmpty()) {
            repairLatest(model);
            pointer = store.pointers().read(model);
        }
        return pointer.map(LatestPointer::history).orElseThrow(() -> ModelNotFoundException.model(model));
    }

    /** Rebuilds a missing pointer from the listing (after a crash between commit and pointer update). */
    private ModelDescriptor repairLatest(ModelRef model) {
        LocationStore store = stores.forBatch(model.batch());
        ModelDescriptor newest = lookup.newest(model);
        if (newest == null) {
            throw ModelNotFoundException.model(model);
        }
        marks.inUse(store, newest);
        store.pointers().advance(newest);
        return newest.asLatest(false);
    }

    ModelDescriptor pinLatest(ModelRef model, VersionId version) {
        LocationStore store = stores.forBatch(model.batch());
        ModelDescriptor pinned = lookup.require(model, version);
        archives.requireReadable(pinned);
        marks.inUse(store, pinned);
        marks.released(store, store.pointers().pin(pinned));
        return pinned.asLatest(true);
    }

    Map<String, VersionId> aliases(ModelRef model) {
        LocationStore store = stores.forBatch(model.batch());
        return store.aliases().all(model);
    }

    ModelDescriptor alias(ModelRef model, String alias) {
        LocationStore store = stores.forBatch(model.batch());
        ModelNames.require("alias", alias);
        return store.aliases().get(model, alias).orElseThrow(() -> ModelNotFoundException.alias(model, alias));
    }

    ModelDescriptor setAlias(ModelRef model, String alias, VersionId version) {
        LocationStore store = stores.forBatch(model.batch());
        ModelNames.require("alias", alias);
        ModelDescriptor target = lookup.require(model, version);
        archives.requireReadable(target);
        marks.inUse(store, target);
        Optional<ModelDescriptor> before = store.aliases().get(model, alias);
        store.aliases().set(model, alias, target);
        marks.released(store, before);
        return target;
    }

    void deleteAlias(ModelRef model, String alias) {
        LocationStore store = stores.forBatch(model.batch());
        ModelNames.require("alias", alias);
        Optional<ModelDescriptor> before = store.aliases().get(model, alias);
        if (!store.aliases().delete(model, alias)) {
            throw ModelNotFoundException.alias(model, alias);
        }
        marks.released(store, before);
    }
}
