package io.anomstack.modelstore.support;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;

/** Names and model bytes for tests: unique batches, repeatable random or compressible bodies, their digests. */
public final class TestData {

    private TestData() {
    }

    /** A batch name no other test uses, so tests sharing a bucket stay independent. */
    public static String batch() {
        return "batch_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Incompressible bytes, the same for the same size. */
    public static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** Bytes of sixteen values only: half the entropy of random bytes, so they compress about 2:1. */
    public static byte[] lowEntropyBytes(int size) {
        byte[] bytes = randomBytes(size);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (bytes[i] & 0x0f);
        }
        return bytes;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
