package io.anomstack.modelstore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers: every transfer is checked once against the digest of what was generated. */
final class Digests {

    private Digests() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** What reading a stream to its end gave: its length and SHA-256. */
    record Drained(long bytes, String sha256) {
    }

    /**
     * Reads {@code in} to its end and drops it; returns its length. Reads of 64 KiB, not InputStream.transferTo's 8 KiB:
     * a zstd stream decodes in one native call per read.
     */
    static long discard(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
        }
        return total;
    }

    /** Reads {@code in} to its end into a discarding sink, hashing it on the way. */
    static Drained drain(InputStream in) throws IOException {
        MessageDigest sha256 = sha256();
        byte[] buffer = new byte[256 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            sha256.update(buffer, 0, n);
            total += n;
        }
        return new Drained(total, hex(sha256.digest()));
    }
}
