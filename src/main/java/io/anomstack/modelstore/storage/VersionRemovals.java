package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelNotFoundException;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.PruneResult;
import io.anomstack.modelstore.catalog.RetentionRule;
import io.anomstack.modelstore.catalog.VersionId;
import io.anomstack.modelstore.catalog.VersionInUseException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deletes versions: one at a time, by a retention rule (never latest or an aliased one), or a whole model, always
 * metadata before bytes so that readers stop seeing a version before its object goes.
 */
final class VersionRemovals {

    private final LocationStores stores;
    private final VersionLookup lookup;
    private final LatestAndAliases names;
    private final ReadCache cache;
    private final SupersededVersions marks;
    private final Clock clock;

    VersionRemovals(LocationStores stores, VersionLookup lookup, LatestAndAliases names, ReadCache cache,
                    SupersededVersions marks, Clock clock) {
        this.stores = stores;
        this.lookup = lookup;
        this.names = names;
        this.cache = cache;
        this.marks = marks;
        this.clock = clock;
    }

    void deleteVersion(ModelRef model, VersionId version) {
        LocationStore store = stores.forBatch(model.batch());
        lookup.require(model, version);
        List<String> aliasing = store.aliases().all(model).entrySet().stream()
                .filter(alias -> alias.getValue().equals(version)).map(Map.Entry::getKey).toList();
        if (!aliasing.isEmpty()) {
            throw new VersionInUseException(model, version, aliasing);
        }
        removeVersion(model, version);
        store.pointers().retreat(model, version, () -> lookup.newest(model));
        store.pointers().read(model).ifPresent(latest -> marks.inUse(store, latest.descriptor()));
    }

    PruneResult prune(ModelRef model, RetentionRule rule, boolean dryRun) {
        LocationStore store = stores.forBatch(model.batch());
        List<VersionId> newestFirst = lookup.newestFirst(model);
        if (newestFirst.isEmpty()) {
            throw ModelNotFoundException.model(model);
        }
        Set<VersionId> untouchable = new HashSet<>(store.aliases().all(model).values());
        untouchable.add(names.latest(model).versionId());
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
        ModelDescriptor descriptor = lookup.find(model, version);
        if (descriptor == null) {
            return;
        }
        String metadataKey = store.layout().metadataKey(model, version);
        store.operations().delete(metadataKey);
        store.operations().delete(descriptor.key());
        cache.forgetVersion(metadataKey, descriptor.key());
    }

    void deleteModel(ModelRef model) {
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
}
