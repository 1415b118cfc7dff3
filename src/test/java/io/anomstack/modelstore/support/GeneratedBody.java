package io.anomstack.modelstore.support;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A model body generated while it is sent, so that neither client nor test holds it in memory: pseudo-random
 * bytes (or bytes of sixteen values, which compress about 2:1), hashed on the way out. It can stop at a given byte
 * until {@link #release()}d, to hold an upload in flight, and then trickle, to make a slow client.
 */
public final class GeneratedBody extends InputStream {

    private final long size;
    private final boolean compressible;
    private final SplittableRandom random;
    private final MessageDigest sha256;
    private final CountDownLatch reachedHold = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private long holdAt = -1;
    private int trickleBytes;
    private long trickleMillis;
    private volatile long sent;
    private String digest;

    public GeneratedBody(long size, long seed, boolean compressible) {
        this.size = size;
        this.compressible = compressible;
        this.random = new SplittableRandom(seed);
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    /** Stops sending after {@code bytes} until {@link #release()}. */
    public GeneratedBody holdAt(long bytes) {
        this.holdAt = bytes;
        return this;
    }

    /** After the hold (or from the start without one), sends {@code bytes} per {@code millis}. */
    public GeneratedBody trickle(int bytes, long millis) {
        this.trickleBytes = bytes;
        this.trickleMillis = millis;
        return this;
    }

    /**
     * Waits until the body has been sent up to its hold. Bounded, so that an upload the service turned away before
     * reading its body (a 429, say) fails the test instead of hanging the build.
     */
    public void awaitHold() throws InterruptedException {
        if (!reachedHold.await(2, TimeUnit.MINUTES)) {
            throw new AssertionError("The upload never reached its hold at byte " + holdAt + " (" + sent
                    + " bytes sent): the service stopped reading it or turned it away");
        }
    }

    public void release() {
        released.countDown();
    }

    public long size() {
        return size;
    }

    /** Bytes handed to the HTTP client so far. */
    public long sent() {
        return sent;
    }

    /** The SHA-256 (hex) of the whole body; only once it has all been read. */
    public String sha256() {
        if (sent != size) {
            throw new IllegalStateException("only " + sent + " of " + size + " bytes were sent");
        }
        if (digest == null) {
            digest = HexFormat.of().formatHex(sha256.digest());
        }
        return digest;
    }

    @Override
    public int read() throws InterruptedIOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws InterruptedIOException {
        if (sent == size) {
            return -1;
        }
        long limit = size;
        if (holdAt >= 0 && sent < holdAt) {
            limit = holdAt;
        } else if (holdAt >= 0 && sent == holdAt) {
            reachedHold.countDown();
            await();
        }
        if (trickleBytes > 0 && (holdAt < 0 || sent >= holdAt)) {
            pause();
            limit = Math.min(limit, sent + trickleBytes);
        }
        int n = (int) Math.min(length, limit - sent);
        for (int i = 0; i < n; i += 8) {
            long bits = random.nextLong();
            for (int j = i; j < Math.min(n, i + 8); j++, bits >>>= 8) {
                buffer[offset + j] = (byte) (compressible ? bits & 0x0f : bits);
            }
        }
        sha256.update(buffer, offset, n);
        sent += n;
        return n;
    }

    private void await() throws InterruptedIOException {
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while held");
        }
    }

    private void pause() throws InterruptedIOException {
        try {
            Thread.sleep(trickleMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while trickling");
        }
    }
}
