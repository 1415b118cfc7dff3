package io.anomstack.modelstore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/**
 * Incompressible bytes from a seeded generator, as a stream that hashes what it hands out: the same seed gives the
 * same bytes, so a body can be streamed without ever existing as a whole anywhere.
 */
final class RandomBytes extends InputStream {

    private static final int BLOCK = 1 << 20;

    private final SplittableRandom random;
    private final MessageDigest sha256 = Digests.sha256();
    private final byte[] block = new byte[BLOCK];
    private final long size;
    private long produced;
    private int position;
    private int blockLength;

    RandomBytes(long size, long seed) {
        this.size = size;
        this.random = new SplittableRandom(seed);
    }

    /** Writes {@code size} random bytes to {@code file}; returns their SHA-256. */
    static byte[] writeFile(Path file, long size, long seed) throws IOException {
        try (RandomBytes in = new RandomBytes(size, seed)) {
            try (var out = Files.newOutputStream(file)) {
                in.transferTo(out);
            }
            return in.sha256();
        }
    }

    /** The SHA-256 of everything read so far: of the whole body once it was read to its end. */
    byte[] sha256() {
        return sha256.digest();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (produced == size) {
            return -1;
        }
        if (position == blockLength) {
            blockLength = (int) Math.min(BLOCK, size - produced);
            random.nextBytes(block);
            sha256.update(block, 0, blockLength);
            position = 0;
        }
        int n = Math.min(length, blockLength - position);
        System.arraycopy(block, position, buffer, offset, n);
        position += n;
        produced += n;
        return n;
    }
}
