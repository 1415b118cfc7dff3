package io.anomstack.modelstore.storage;

import java.util.ArrayDeque;

/**
 * Part buffers shared by all uploads. A part buffer (8 MiB by default) is a humongous object to G1: allocating one per
 * upload part made every upload start concurrent marking cycles and zero megabytes of memory it then overwrote. Uploads
 * take buffers here and give them back; up to {@code maxIdle} stay for the next upload (one upload's worth), so the heap
 * keeps at most part size × {@code maxIdle} between uploads, and concurrent uploads allocate what they need beyond that.
 */
final class PartBuffers {

    private final int maxIdle;
    private final ArrayDeque<byte[]> idle = new ArrayDeque<>();

    PartBuffers(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    /** A buffer of exactly {@code size} bytes, with arbitrary content. */
    byte[] take(int size) {
        synchronized (idle) {
            byte[] buffer = idle.pollFirst();
            if (buffer != null && buffer.length == size) {
                return buffer;
            }
        }
        return new byte[size];
    }

    /** Returns a buffer its taker no longer reads or writes. */
    void give(byte[] buffer) {
        synchronized (idle) {
            if (idle.size() < maxIdle) {
                idle.addFirst(buffer);
            }
        }
    }
}
