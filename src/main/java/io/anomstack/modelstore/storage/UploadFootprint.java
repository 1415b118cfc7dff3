package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.UploadMemory;

/**
 * What one upload holds on the heap while {@link StreamingUploader} and {@link ObjectSink} store it, counted from their
 * code so that admission reserves what is really held:
 * <ul>
 * <li>a small body ({@link #isSmall}: its announced length {@code L} at most a quarter of a part) holds its array of
 * {@code L} bytes, the compression sample ({@code min(L, 256 KiB)}) and its trial compression (about as much again),
 * the 64 KiB copy buffer and an encoder's output buffer: {@code L + 2 × min(L, 256 KiB) + 64 KiB + 132 KiB};</li>
 * <li>any other body (larger, chunked, a form's file part) holds up to {@code parts in flight + 1} part buffers, the
 * sample, its trial, the copy buffer and the encoder's buffer:
 * {@code part size × (parts in flight + 1) + 2 × 256 KiB + 64 KiB + 132 KiB} (40.7 MiB with the defaults).</li>
 * </ul>
 * Not counted: the part buffers {@link PartBuffers} keeps idle between uploads (one upload's worth per bucket and
 * region at most), and the rare part buffer a small body takes when it compresses to more than its announced length.
 */
final class UploadFootprint implements UploadMemory {

    /** Objects expected to be at most this share of a part are buffered in an array of their own size. */
    private static final int SMALL_SHARE = 4;
    /** zstd-jni's output buffer (ZSTD_CStreamOutSize, about 128.5 KiB), rounded up; gzip's is smaller. */
    static final int ENCODER_BYTES = 132 * 1024;

    private final int partSize;
    private final int partsInFlight;
    private final long budget;

    UploadFootprint(int partSize, UploadProperties uploads) {
        this.partSize = partSize;
        this.partsInFlight = uploads.partsInFlight();
        this.budget = uploads.memoryBudgetBytes();
    }

    /** Whether an object of {@code expectedBytes} (-1: unknown) is buffered in an array of its own size, not in parts. */
    static boolean isSmall(long expectedBytes, int partSize) {
        return expectedBytes >= 0 && expectedBytes <= partSize / SMALL_SHARE;
    }

    @Override
    public long budget() {
        return budget;
    }

    @Override
    public long heldBy(long declaredLength) {
        long buffers = StreamingUploader.COPY_BUFFER + ENCODER_BYTES;
        if (isSmall(declaredLength, partSize)) {
            return declaredLength + 2 * Math.min(declaredLength, StreamingUploader.SAMPLE_BYTES) + buffers;
        }
        return (long) partSize * (partsInFlight + 1) + 2L * StreamingUploader.SAMPLE_BYTES + buffers;
    }
}
