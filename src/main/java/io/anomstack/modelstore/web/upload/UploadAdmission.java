package io.anomstack.modelstore.web.upload;

import io.anomstack.modelstore.catalog.UploadMemory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the heap the uploads of this instance hold, not their number: a burst of trainers must not exhaust the heap,
 * yet hundreds of small models fit where a few large ones do. Each upload reserves what the store says it can hold
 * ({@link UploadMemory#heldBy}) before its body is read; one that does not fit in what is left of the budget is answered
 * 429 with {@code Retry-After}. An upload that needs more than the whole budget is taken when no other upload holds any
 * of it (a large model must be able to upload at all) and then keeps the others out until it ends.
 */
@Component
public class UploadAdmission implements MeterBinder {

    private final UploadMemory memory;
    private final long budget;
    private final AtomicLong reserved = new AtomicLong();

    UploadAdmission(UploadMemory memory) {
        this.memory = memory;
        this.budget = memory.budget();
    }

    /**
     * Reserves what an upload can hold, to be given back by closing the reservation.
     *
     * @param declaredLength the model body's announced length, or -1 when unknown
     * @throws TooManyUploadsException when the budget cannot take it now
     */
    Reservation acquire(long declaredLength) {
        long bytes = memory.heldBy(declaredLength);
        while (true) {
            long inUse = reserved.get();
            if (inUse > 0 && inUse + bytes > budget) {
                throw new TooManyUploadsException(bytes, inUse, budget);
            }
            if (reserved.compareAndSet(inUse, inUse + bytes)) {
                return new Reservation(bytes);
            }
        }
    }

    /** Bytes reserved by the uploads running now. */
    long reserved() {
        return reserved.get();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("modelstore.uploads.memory.reserved", this, UploadAdmission::reserved).baseUnit("bytes")
                .description("Heap reserved by the uploads being received now").register(registry);
        Gauge.builder("modelstore.uploads.memory.budget", this, admission -> admission.budget).baseUnit("bytes")
                .description("Heap the uploads of this instance may hold at once").register(registry);
    }

    /** One upload's share of the budget; closing it more than once gives it back once. */
    final class Reservation implements AutoCloseable {

        private final long bytes;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                reserved.addAndGet(-bytes);
            }
        }
    }
}
