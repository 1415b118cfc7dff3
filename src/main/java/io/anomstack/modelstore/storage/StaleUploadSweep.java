package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelStoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.core.JacksonException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Clears up after uploads that died:
 * <ul>
 *   <li>multipart uploads that nobody will complete: those of a replica killed mid-upload, or whose abort failed
 *   because S3 was down at the time. The bucket's lifecycle rule for incomplete uploads (bucket management) does the
 *   same after days; this keeps the bill down within hours, and works without it;</li>
 *   <li>model objects that no metadata document names: those of a replica killed between writing a model object and
 *   committing its metadata, or of a version delete that failed between its two deletes. No lifecycle rule can tell
 *   them apart from versions. Only objects the service wrote (they carry its upload token) are taken;</li>
 *   <li>latest pointers behind their model's newest version: a replica killed between committing a version's
 *   metadata and moving the pointer.</li>
 * </ul>
 * The first two are invisible (never a version) but billed, and are removed once older than {@code maxAge} unless this
 * instance is still writing them. It runs once at start-up and then every {@code interval}, over the prefix of every
 * storage target.
 */
final class StaleUploadSweep implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StaleUploadSweep.class);

    private final TargetStores stores;
    private final ActiveUploads active;
    private final MultipartSweepProperties settings;
    private final Clock clock;
    private final Counter aborted;
    private final Counter orphansDeleted;
    private final Counter pointersMoved;
    private final DescriptorCodec codec;
    private final SupersededMarks marks;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "multipart-sweep");
        thread.setDaemon(true);
        return thread;
    });

    StaleUploadSweep(TargetStores stores, ActiveUploads active, DescriptorCodec codec, SupersededMarks marks,
                     MultipartSweepProperties settings, Clock clock, MeterRegistry registry) {
        this.stores = stores;
        this.active = active;
        this.codec = codec;
        this.marks = marks;
        this.settings = settings;
        this.clock = clock;
        this.aborted = Counter.builder("modelstore.multipart.aborted")
                .description("Stale multipart uploads aborted by the sweep")
                .register(registry);
        this.orphansDeleted = Counter.builder("modelstore.orphans.deleted")
                .description("Model objects no metadata document names, deleted by the sweep")
                .register(registry);
        this.pointersMoved = Counter.builder("modelstore.latest.caught_up")
                .description("Latest pointers the sweep moved to a version committed after their last move")
                .register(registry);
    }

    /** Once the service is up (its start-up must not wait for S3 listings), then every interval. */
    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (!settings.enabled()) {
            log.info("The sweep after dead uploads (stale multipart uploads, orphaned model objects, latest pointers left "
                    + "behind) is off (MODELSTORE_MULTIPART_SWEEP_INTERVAL=0)");
            return;
        }
        scheduler.scheduleWithFixedDelay(this::runQuietly, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runQuietly() {
        try {
            run();
        } catch (RuntimeException e) {
            log.warn("The sweep of stale multipart uploads failed; it runs again in {}: {}", settings.interval(),
                    e.getMessage());
        }
    }

    /** One pass over every target; returns how many multipart uploads it aborted, orphans it deleted, pointers it moved. */
    int run() {
        Instant staleBefore = clock.instant().minus(settings.maxAge());
        int count = 0;
        for (TargetStore store : sweptStores()) {
            try {
                count += abortStaleUploads(store.operations(), staleBefore);
                count += sweepBatches(store, staleBefore);
            } catch (ModelStoreException e) {
                log.warn("The sweep after dead uploads did not finish under {} in the {}: {}",
                        store.target().prefix(), store.target().describe(), e.getMessage());
            }
        }
        return count;
    }

    private int abortStaleUploads(S3Operations operations, Instant staleBefore) {
        S3Target target = operations.target();
        List<MultipartUpload> uploads = operations.optional("s3:ListBucketMultipartUploads",
                "Multipart uploads that failed while S3 was unreachable are not swept; the bucket's lifecycle rule for "
                        + "incomplete uploads removes them.",
                "listing the multipart uploads under " + target.prefix(),
                () -> operations.client().listMultipartUploadsPaginator(b -> b.bucket(target.bucket())
                        .prefix(target.prefix())).uploads().stream().toList(),
                List::of);
        int count = 0;
        for (MultipartUpload upload : uploads) {
            if (isStale(upload, staleBefore) && abort(operations, upload)) {
                count++;
                aborted.increment();
                log.info("Aborted the stale multipart upload {} of {} in the {} (started {})", upload.uploadId(),
                        upload.key(), target.describe(), upload.initiated());
            }
        }
        return count;
    }

    /** One batch folder at a time, so that memory follows the largest batch, not the bucket. */
    private int sweepBatches(TargetStore store, Instant staleBefore) {
        S3Operations operations = store.operations();
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

    private int deleteOrphans(TargetStore store, List<S3Object> objects, Instant staleBefore) {
        S3Operations operations = store.operations();
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
    private static boolean writtenByTheService(S3Operations operations, String key) {
        return operations.call("reading the metadata of " + key, () -> {
            try {
                return operations.client().headObject(b -> b.bucket(operations.target().bucket()).key(key)).metadata()
                        .containsKey(ObjectSink.TOKEN);
            } catch (SdkException e) {
                if (S3Errors.isNotFound(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    /**
     * Moves each latest pointer that is older than its model's newest metadata document to that version, as the
     * upload that committed it would have done had it lived. A rollback or a delete writes the pointer after every
     * document it considered, so only a version committed since the pointer's last move is taken for one it missed; the
     * move is the upload's own (forward only, conditional), safe even while that upload is still running. Costs no
     * request for a model whose pointer is not behind. (A model with no pointer at all gets one on its first read.)
     */
    private int catchUpLatest(TargetStore store, List<S3Object> objects) {
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
            TargetStore owner = newest.map(version -> stores.forBatch(version.batch())).orElse(null);
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
    private Optional<ModelDescriptor> descriptor(S3Operations.Document document) {
        try {
            return Optional.of(codec.read(document.bytes()));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /** Old enough and not this instance's: an upload S3 gives no start time of is stale only with a zero max age. */
    boolean isStale(MultipartUpload upload, Instant staleBefore) {
        if (active.contains(upload.uploadId())) {
            return false;
        }
        Instant initiated = upload.initiated();
        return initiated == null ? settings.maxAge().isZero() : !initiated.isAfter(staleBefore);
    }

    private static boolean abort(S3Operations operations, MultipartUpload upload) {
        return operations.optional("s3:AbortMultipartUpload",
                "Stale multipart uploads stay until the bucket's lifecycle rule for incomplete uploads removes them.",
                "aborting the stale upload of " + upload.key(),
                () -> {
                    try {
                        operations.client().abortMultipartUpload(b -> b.bucket(operations.target().bucket())
                                .key(upload.key()).uploadId(upload.uploadId()));
                        return true;
                    } catch (SdkException e) {
                        if (S3Errors.isNotFound(e)) {
                            // Completed or aborted since the listing.
                            return false;
                        }
                        throw e;
                    }
                },
                () -> false);
    }

    /** One store per bucket and prefix, leaving out prefixes inside another swept one of the same bucket. */
    private List<TargetStore> sweptStores() {
        List<TargetStore> all = new ArrayList<>(stores.all());
        all.sort(Comparator.comparing((TargetStore store) -> store.target().bucket())
                .thenComparing(store -> store.target().prefix()));
        List<TargetStore> swept = new ArrayList<>();
        for (TargetStore store : all) {
            boolean covered = swept.stream().anyMatch(kept -> kept.target().bucket().equals(store.target().bucket())
                    && store.target().prefix().startsWith(kept.target().prefix()));
            if (!covered) {
                swept.add(store);
            }
        }
        return swept;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
