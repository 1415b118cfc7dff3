package io.anomstack.modelstore.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Removes the staged parts of S3 API multipart uploads that were neither completed nor aborted, on the schedule and
 * with the age of the sweep after dead uploads ({@code modelstore.s3.multipart-sweep.*}).
 */
final class StagingSweep implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StagingSweep.class);

    private final S3StagingArea area;
    private final MultipartSweepProperties settings;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "staging-sweep");
        thread.setDaemon(true);
        return thread;
    });

    StagingSweep(S3StagingArea area, MultipartSweepProperties settings, Clock clock) {
        this.area = area;
        this.settings = settings;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (settings.enabled()) {
            scheduler.scheduleWithFixedDelay(this::run, settings.interval().toMillis(), settings.interval().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    void run() {
        try {
            int discarded = area.discardBegunBefore(clock.instant().minus(settings.maxAge()));
            if (discarded > 0) {
                log.info("Removed the staged parts of {} S3 API multipart uploads older than {}", discarded,
                        settings.maxAge());
            }
        } catch (RuntimeException e) {
            log.warn("The sweep of staged S3 API uploads failed; it runs again in {}: {}", settings.interval(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
