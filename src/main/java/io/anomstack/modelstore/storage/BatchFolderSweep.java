package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.core.JacksonException;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The part of the {@link StaleUploadSweep} that lists the objects of each batch folder: it deletes the model objects no
 * metadata document names, and moves the latest pointers left behind their model's newest version.
 */
final class BatchFolderSweep {

    private static final Logger log = LoggerFactory.getLogger(BatchFolderSweep.class);

    private final LocationStores stores;
    private final WritesInProgress active;
    private final DescriptorCodec codec;
    private final SupersededVersions marks;
    private final Counter orphansDeleted;
    private final Counter pointersMoved;

    BatchFolderSweep(LocationStores stores, WritesInProgress active, DescriptorCodec codec, SupersededVersions marks,
                     MeterRegistry registry) {
        this.stores = stores;
        this.active = active;
        this.codec = codec;
        this.marks = marks;
        this.orphansDeleted = Counter.builder("modelstore.orphans.deleted")
                .description("Model objects no metadata document names, deleted by the sweep")
                .register(registry);
        this.pointersMoved = Counter.builder("modelstore.latest.caught_up")
                .description("Latest pointers the sweep moved to a version committed after their last move")
                .register(registry);
    }

    /**
     * One pass over the batch folders under a target's prefix, one folder at a time, so that memory follows the largest
     * batch, not the bucket; returns how many orphans it deleted and pointers it moved.
     */
    int sweep(LocationStore store, Instant staleBefore) {
        ObjectRequests operations = store.operations();
        int count = 0;
        for (String batch : operations.listFolders(store.layout().prefix())) {
            String folder = store.layout().batchFolder(batch);
            List<S3Object> objects = operations.call("listing " + folder, () -> operations.client()
                    .listObjectsV2Paginator(b -> b.bucket(operations.target().bucket()).prefix(folder))
                    .contents().stream().toList());
            count += deleteOrphans(store, objects, staleBefore);
            count += catchUpLatest(store, objects);
        }
        return count;
    }

    private int deleteOrphans(LocationStore store, List<S3Object> objects, Instant staleBefore) {
        ObjectRequests operations = store.operations();
        Set<String> keys = objects.stream().map(S3Object::key).collect(Collectors.toSet());
        int count = 0;
        for (S3Object object : objects) {
            Optional<String> unlisted = store.layout().metadataKeyOfModelKey(object.key())
                    .filter(metadataKey -> !keys.contains(metadataKey));
            // Not being written here, then still unnamed: a commit that ran during the listing is seen by the read.
            if (unlisted.isPresent() && !object.lastModified().isAfter(staleBefore) && !active.isWriting(object.key())
                    && operations.read(unlisted.get()).isEmpty() && writtenByTheService(operations, object.key())) {
                operations.delete(object.key());
                count++;
                orphansDeleted.increment();
                log.info("Deleted the model object {} in the {}: no metadata document names it (written {})",
                        object.key(), operations.target().describe(), object.lastModified());
            }
        }
        return count;
    }

    /** Carries the token of an upload of the service's ({@link ObjectSink#TOKEN}): no object of anybody else's is taken. */
    private static boolean writtenByTheService(ObjectRequests operations, String key) {
        return operations.call("reading the metadata of " + key, () -> operations.head(key)
                .filter(head -> head.metadata().containsKey(ObjectSink.TOKEN)).isPresent());
    }

    /**
     * Moves each latest pointer that is older than its model's newest metadata document to that version, as the
     * upload that committed it would have done had it lived. A rollback or a delete writes the pointer after every
     * document it considered, so only a version committed since the pointer's last move is taken for one it missed; the
     * move is the upload's own (forward only, conditional), safe even while that upload is still running. Costs no
     * request for a model whose pointer is not behind. (A model with no pointer at all gets one on its first read.)
     */
    private int catchUpLatest(LocationStore store, List<S3Object> objects) {
        Map<String, Instant> pointerWritten = new HashMap<>();
        Map<String, S3Object> newestDocument = new HashMap<>();
        for (S3Object object : objects) {
            String folder = object.key().substring(0, object.key().lastIndexOf('/') + 1);
            if (object.key().endsWith("/" + S3KeyLayout.LATEST_FILE)) {
                pointerWritten.put(folder, object.lastModified());
            } else if (store.layout().versionOfMetadataKey(object.key()).isPresent()) {
                // Version ids sort as strings, and so do the keys of one folder's documents.
                newestDocument.merge(folder, object, (a, b) -> a.key().compareTo(b.key()) >= 0 ? a : b);
            }
        }
        int count = 0;
        for (Map.Entry<String, S3Object> entry : newestDocument.entrySet()) {
            Instant pointer = pointerWritten.get(entry.getKey());
            if (pointer == null || !entry.getValue().lastModified().isAfter(pointer)) {
                continue;
            }
            String documentKey = entry.getValue().key();
            Optional<ModelDescriptor> newest = store.operations().read(documentKey).flatMap(this::descriptor);
            // Its batch's own store moves the pointer, and only for a document lying where that store keeps it: the
            // listing of a prefix also holds the batches of targets nested in it.
            LocationStore owner = newest.map(version -> stores.forBatch(version.batch())).orElse(null);
            if (owner == null || !owner.target().bucket().equals(store.target().bucket())
                    || !owner.layout().metadataKey(newest.get().ref(), newest.get().versionId()).equals(documentKey)) {
                continue;
            }
            marks.inUse(owner, newest.get());
            Optional<ModelDescriptor> previous = owner.pointers().advance(newest.get());
            if (previous.isPresent()) {
                count++;
                pointersMoved.increment();
                marks.released(owner, previous);
                log.info("Moved the latest pointer of {} in the {} to {}, committed after the pointer's last move",
                        newest.get().ref(), owner.target().describe(), newest.get().version());
            }
        }
        return count;
    }

    /** A metadata document the service can read; another is not the sweep's to act on. */
    private Optional<ModelDescriptor> descriptor(ObjectRequests.Document document) {
        try {
            return Optional.of(codec.read(document.bytes()));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }
}
