package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelRef;

/**
 * Striped locks that serialise this process's conditional writes to one model's small objects. S3 applies conditional
 * writes atomically, so across replicas they are safe on their own; within a process the lock saves retries, and it
 * keeps S3-compatible servers that check and write in two steps (S3Proxy, MinIO in some modes) from letting two of our
 * own writes through at once.
 */
final class ModelLocks {

    private static final int STRIPES = 64;

    private final Object[] locks = new Object[STRIPES];

    ModelLocks() {
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    Object of(ModelRef model) {
        return locks[Math.floorMod(model.hashCode(), locks.length)];
    }
}
