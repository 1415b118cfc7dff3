package io.anomstack.modelstore.s3api;

import io.anomstack.modelstore.catalog.UploadMemory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the heap the S3 API's uploads hold while the catalog stores them, as the REST API's admission does for its
 * own: each reserves what the store says it can hold before its body is read; one that does not fit in what is left
 * is answered {@code SlowDown} (503), which S3 clients retry with back-off. One larger than the whole budget is taken
 * when nothing else holds any of it.
 */
final class UploadBudget {

    private final UploadMemory memory;
    private final long budget;
    private final AtomicLong reserved = new AtomicLong();

    UploadBudget(UploadMemory memory) {
        this.memory = memory;
        this.budget = memory.budget();
    }

    /** Reserves for an upload of {@code declaredLength} bytes (-1 when unknown); close the result to give it back. */
    AutoCloseable reserve(long declaredLength) {
        long bytes = memory.heldBy(declaredLength);
        while (true) {
            long inUse = reserved.get();
            if (inUse > 0 && inUse + bytes > budget) {
                throw S3Answers.error(503, "SlowDown", "The service is receiving as many uploads as its memory allows; "
                        + "retry shortly.");
            }
            if (reserved.compareAndSet(inUse, inUse + bytes)) {
                return new Release(bytes);
            }
        }
    }

    /** One upload's share; closing it more than once gives it back once. */
    private final class Release implements AutoCloseable {

        private final long bytes;
        private boolean open = true;

        private Release(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public synchronized void close() {
            if (open) {
                open = false;
                reserved.addAndGet(-bytes);
            }
        }
    }
}
