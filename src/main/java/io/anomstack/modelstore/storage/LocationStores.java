package io.anomstack.modelstore.storage;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The store of every storage target, built once at start-up, and which one each batch goes to. */
public final class LocationStores {

    private final BatchPlacement.PerBatch placement;
    private final Map<BatchPlacement, LocationStore> stores;

    /** @param open builds the store of a target; called once per target, the default one first */
    LocationStores(BatchPlacement.PerBatch placement, Function<BatchPlacement, LocationStore> open) {
        this.placement = placement;
        this.stores = placement.all().stream().collect(Collectors.toMap(Function.identity(), open,
                (first, second) -> first, LinkedHashMap::new));
    }

    LocationStore forBatch(String batch) {
        LocationStore store = stores.get(placement.forBatch(batch));
        if (store == null) {
            throw new IllegalStateException("Batch " + batch + " is placed at a storage target nobody declared.");
        }
        return store;
    }

    /** Whether {@code batch} belongs in {@code store}: folders of other batches found there are not theirs to show. */
    boolean places(String batch, LocationStore store) {
        return forBatch(batch) == store;
    }

    /** Every store, the default one first. */
    public Collection<LocationStore> all() {
        return List.copyOf(stores.values());
    }

    LocationStore defaultStore() {
        return stores.values().iterator().next();
    }
}
