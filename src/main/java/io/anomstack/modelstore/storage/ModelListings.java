package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelNames;
import io.anomstack.modelstore.catalog.ModelNotFoundException;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.ModelSummary;
import io.anomstack.modelstore.catalog.PageCursors;
import io.anomstack.modelstore.catalog.VersionId;
import io.anomstack.modelstore.catalog.VersionPage;
import org.jspecify.annotations.Nullable;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Lists what the catalog holds: the batches, a batch's models with their latest versions, and a model's versions
 * page by page behind signed cursors.
 */
final class ModelListings {

    private final LocationStores stores;
    private final VersionLookup lookup;
    private final PageCursors cursors;

    ModelListings(LocationStores stores, VersionLookup lookup, PageCursors cursors) {
        this.stores = stores;
        this.lookup = lookup;
        this.cursors = cursors;
    }

    List<String> batches() {
        return stores.all().stream()
                .flatMap(store -> store.operations().listFolders(store.layout().prefix()).stream()
                        .filter(ModelListings::isName)
                        .filter(batch -> stores.places(batch, store)))
                .distinct()
                .sorted()
                .toList();
    }

    List<ModelSummary> models(String batch) {
        LocationStore store = stores.forBatch(batch);
        ModelNames.require("batch", batch);
        List<ModelRef> models = store.operations().listKeys(store.layout().batchFolder(batch), false).stream()
                .flatMap(key -> store.layout().modelOfLatestKey(batch, key).stream())
                .toList();
        List<ModelSummary> summaries = lookup.readAll(models, model -> store.pointers().read(model)
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

    VersionPage versions(ModelRef model, int limit, @Nullable String cursor) {
        VersionId before = cursor == null ? null : cursors.decode(model, cursor);
        List<VersionId> newestFirst = lookup.newestFirst(model);
        if (newestFirst.isEmpty() && before == null) {
            throw ModelNotFoundException.model(model);
        }
        List<VersionId> older = before == null ? newestFirst
                : newestFirst.stream().filter(version -> version.compareTo(before) < 0).toList();
        List<VersionId> page = older.subList(0, Math.min(limit, older.size()));
        List<ModelDescriptor> descriptors = lookup.readAll(page, version -> lookup.find(model, version)).stream()
                .filter(Objects::nonNull)
                .toList();
        String next = older.size() > page.size() ? cursors.encode(model, page.get(page.size() - 1)) : null;
        return new VersionPage(descriptors, next);
    }

    private static boolean isName(String value) {
        return value.matches(ModelNames.PATTERN);
    }
}
