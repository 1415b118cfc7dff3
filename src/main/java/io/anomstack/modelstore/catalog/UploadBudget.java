package io.anomstack.modelstore.catalog;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap all uploads of this instance may hold at once, whichever door they come through (the REST API, the S3 API):
 * a burst of trainers must not exhaust the heap, yet hundreds of small models fit where a few large ones do. Each upload
 * reserves what the store says it can hold ({@link UploadMemory#heldBy}) before its body is read. An upload that needs
 * more than the whole budget is taken when no other upload holds any of it (a large model must be able to upload at
 * all) and then keeps the others out until it ends.
 */
public final class UploadBudget {

    private final UploadMemory memory;
    private final long budget;
    private final AtomicLong reserved = new AtomicLong();

    public UploadBudget(UploadMemory memory) {
        this.memory = memory;
        this.budget = memory.budget();
    }

    /**
     * Reserves what an upload can hold, to be given back by closing the reservation.
     *
     * @param declaredLength the model body's announced length, or -1 when unknown
     * @return empty when the budget cannot take it now
     */
    public Optional<Reservation> tryReserve(long declaredLength) {
        long bytes = memory.heldBy(declaredLength);
        while (true) {
            long inUse = reserved.get();
            if (inUse > 0 && inUse + bytes > budget) {
                return Optional.empty();
            }
            if (reserved.compareAndSet(inUse, inUse + bytes)) {
                return Optional.of(new Reservation(bytes));
            }
        }
    }

    /** What an upload of {@code declaredLength} bytes (-1 when unknown) would reserve. */
    public long heldBy(long declaredLength) {
        return memory.heldBy(declaredLength);
    }

    /** Bytes reserved by the uploads running now. */
    public long reserved() {
        return reserved.get();
    }

    public long budget() {
        return budget;
    }

    /** One upload's share of the budget; closing it more than once gives it back once. */
    public final class Reservation implements AutoCloseable {

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
