package io.anomstack.modelstore.storage;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The multipart uploads this instance is sending right now, by upload id: the stale-upload sweep must never abort
 * one of them, however old it is (a 5 GB model over a slow link), or however short the sweep's age threshold.
 */
final class ActiveUploads {

    private final Set<String> uploadIds = ConcurrentHashMap.newKeySet();

    void started(String uploadId) {
        uploadIds.add(uploadId);
    }

    void ended(String uploadId) {
        uploadIds.remove(uploadId);
    }

    boolean contains(String uploadId) {
        return uploadIds.contains(uploadId);
    }
}
