package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.VersionId;

import java.util.Optional;

/**
 * Keeps the superseded tag ({@link SupersededTag}) on the model versions that are neither latest nor aliased, the
 * only ones the lifecycle transition rule may move to colder classes. The tag is cleared before a version becomes
 * latest or aliased again and set only after it stopped being either, so a race leaves a version untagged (kept warm)
 * rather than an in-use one tagged. Off unless the service manages lifecycle transitions: then nothing reads the tag.
 */
public final class SupersededVersions {

    private final boolean enabled;

    /** @param enabled whether the service's own lifecycle rule moves superseded versions (else nothing reads the tag) */
    public SupersededVersions(boolean enabled) {
        this.enabled = enabled;
    }

    /** Before {@code version} becomes latest or aliased. */
    void inUse(LocationStore store, ModelDescriptor version) {
        if (enabled) {
            store.tagging().clearSuperseded(version.key());
        }
    }

    /** After {@code previous} stopped being latest or lost an alias: tags it unless it is still in use. */
    void released(LocationStore store, Optional<ModelDescriptor> previous) {
        if (!enabled || previous.isEmpty()) {
            return;
        }
        ModelDescriptor version = previous.get();
        VersionId id = version.versionId();
        boolean latest = store.pointers().read(version.ref())
                .map(pointer -> pointer.descriptor().versionId().equals(id)).orElse(false);
        if (!latest && !store.aliases().all(version.ref()).containsValue(id)) {
            store.tagging().markSuperseded(version.key());
        }
    }
}
