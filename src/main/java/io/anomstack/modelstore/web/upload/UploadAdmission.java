package io.anomstack.modelstore.web.upload;

import io.anomstack.modelstore.config.ModelStoreProperties;
import org.springframework.stereotype.Component;

import java.util.concurrent.Semaphore;

/**
 * Bounds the uploads this instance receives at once. Each one holds part buffers, S3 connections and a request thread
 * for as long as its body takes, so a burst of trainers must not exhaust the heap: beyond the limit an upload is
 * answered 429 with {@code Retry-After} before its body is read. {@link ModelUploads} takes a slot first thing and
 * gives it back when the upload has ended.
 */
@Component
public class UploadAdmission {

    private final Semaphore slots;
    private final int limit;

    UploadAdmission(ModelStoreProperties properties) {
        this.limit = properties.maxConcurrentUploads();
        this.slots = new Semaphore(limit);
    }

    /**
     * Takes a slot for one upload, to be given back with {@link #release()}.
     *
     * @throws TooManyUploadsException when every slot is taken
     */
    void acquire() {
        if (!slots.tryAcquire()) {
            throw new TooManyUploadsException(limit);
        }
    }

    /** Gives back the slot an upload took with {@link #acquire()}. */
    void release() {
        slots.release();
    }
}
