package io.anomstack.modelstore.storage;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this instance is writing right now: its multipart uploads, by upload id, and its model objects, by key, from
 * before the object is created until its metadata document is committed. The stale-upload sweep must never abort one
 * of those uploads, however old it is (a 5 GB model over a slow link), nor take such an object for an orphan,
 * however short the sweep's age threshold.
 */
final class WritesInProgress {

    private final Set<String> uploadIds = ConcurrentHashMap.newKeySet();
    private final Set<String> modelKeys = ConcurrentHashMap.newKeySet();

    void started(String uploadId) {
        uploadIds.add(uploadId);
    }

    void ended(String uploadId) {
        uploadIds.remove(uploadId);
    }

    boolean contains(String uploadId) {
        return uploadIds.contains(uploadId);
    }

    void writing(String modelKey) {
        modelKeys.add(modelKey);
    }

    void written(String modelKey) {
        modelKeys.remove(modelKey);
    }

    boolean isWriting(String modelKey) {
        return modelKeys.contains(modelKey);
    }
}
