package io.anomstack.modelstore.support;

import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Incompressible bytes made up as they are read, the same for the same seed: an upload body of any size that no heap
 * holds, neither the test's nor (streaming) the service's. Counts what was read, for tests that act mid-upload.
 */
public final class RandomBody extends InputStream {

    private final Random random;
    private final long size;
    private final byte[] block = new byte[64 * 1024];
    private final AtomicLong read = new AtomicLong();
    private int at = block.length;

    public RandomBody(long size, long seed) {
        this.size = size;
        this.random = new Random(seed);
    }

    /** Bytes read so far; safe to ask from another thread. */
    public long bytesRead() {
        return read.get();
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        long position = read.get();
        if (position >= size) {
            return -1;
        }
        if (at == block.length) {
            random.nextBytes(block);
            at = 0;
        }
        int n = (int) Math.min(Math.min(length, block.length - at), size - position);
        System.arraycopy(block, at, target, offset, n);
        at += n;
        read.addAndGet(n);
        return n;
    }
}
