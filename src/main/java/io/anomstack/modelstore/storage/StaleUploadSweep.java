package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.S3Errors;
import io.anomstack.modelstore.s3.S3Location;
import io.anomstack.modelstore.catalog.ModelStoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
 * storage target: the multipart uploads here, the objects of each batch folder in {@link BatchFolderSweep}.
 */
final class StaleUploadSweep implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StaleUploadSweep.class);

    private final LocationStores stores;
    private final WritesInProgress active;
    private final MultipartSweepProperties settings;
    private final Clock clock;
    private final BatchFolderSweep batchFolders;
    private final Counter aborted;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "multipart-sweep");
        thread.setDaemon(true);
        return thread;
    });

    StaleUploadSweep(LocationStores stores, WritesInProgress active, BatchFolderSweep batchFolders,
                     MultipartSweepProperties settings, Clock clock, MeterRegistry registry) {
        this.stores = stores;
        this.active = active;
        this.batchFolders = batchFolders;
        this.settings = settings;
        this.clock = clock;
        this.aborted = Counter.builder("modelstore.multipart.aborted")
                .description("Stale multipart uploads aborted by the sweep")
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
            log.warn("The sweep after dead uploads failed; it runs again in {}: {}", settings.interval(),
                    e.getMessage());
        }
    }

    /** One pass over every target; returns how many uploads it aborted, orphans it deleted and pointers it moved. */
    int run() {
        Instant staleBefore = clock.instant().minus(settings.maxAge());
        int count = 0;
        for (LocationStore store : sweptStores()) {
            try {
                count += abortStaleUploads(store.operations(), staleBefore);
                count += batchFolders.sweep(store, staleBefore);
            } catch (ModelStoreException e) {
                log.warn("The sweep after dead uploads did not finish under {} in the {}: {}",
                        store.target().prefix(), store.target().describe(), e.getMessage());
            }
        }
        return count;
    }

    private int abortStaleUploads(ObjectRequests operations, Instant staleBefore) {
        S3Location target = operations.target();
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

    /** Old enough and not this instance's: an upload S3 gives no start time of is stale only with a zero max age. */
    boolean isStale(MultipartUpload upload, Instant staleBefore) {
        if (active.contains(upload.uploadId())) {
            return false;
        }
        Instant initiated = upload.initiated();
        return initiated == null ? settings.maxAge().isZero() : !initiated.isAfter(staleBefore);
    }

    private static boolean abort(ObjectRequests operations, MultipartUpload upload) {
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
    private List<LocationStore> sweptStores() {
        List<LocationStore> all = new ArrayList<>(stores.all());
        all.sort(Comparator.comparing((LocationStore store) -> store.target().bucket())
                .thenComparing(store -> store.target().prefix()));
        List<LocationStore> swept = new ArrayList<>();
        for (LocationStore store : all) {
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
