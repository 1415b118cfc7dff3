package io.anomstack.modelstore.pickle;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

/**
 * How much the pickle scan costs beside the SHA-256 every upload computes anyway, over 512 MiB fed in 64 KiB chunks: a
 * numpy array pickle and an opcode-dense one (docs/model-safety.md#cost). Not a test; after {@code ./mvnw test-compile}:
 * {@code java -Xmx2g -cp target/classes:target/test-classes io.anomstack.modelstore.pickle.PickleScanCost}.
 */
public final class PickleScanCost {

    private static final int SIZE = 512 << 20;
    private static final int CHUNK = 64 * 1024;
    private static final int ROUNDS = 3;

    private PickleScanCost() {
    }

    public static void main(String[] args) throws Exception {
        byte[] array = numpyArrayPickle();
        byte[] dense = smallIntsPickle();
        for (int round = 0; round < ROUNDS; round++) {
            measure("a numpy array (one BINBYTES8)", array);
            measure("a list of small ints (BININT1 + APPENDS)", dense);
        }
    }

    /** Protocol 5 as numpy arrays are pickled: one BINBYTES8 payload of random bytes, popped, then None. */
    private static byte[] numpyArrayPickle() {
        byte[] body = new byte[SIZE];
        new Random(1).nextBytes(body);
        long payload = SIZE - 2 - 1 - 8 - 3;
        body[0] = (byte) 0x80;
        body[1] = 5;
        body[2] = (byte) 0x8e;
        for (int i = 0; i < 8; i++) {
            body[3 + i] = (byte) (payload >>> 8 * i);
        }
        body[SIZE - 3] = '0';
        body[SIZE - 2] = 'N';
        body[SIZE - 1] = '.';
        return body;
    }

    /** As pickle writes {@code list(range(...))} of small ints: BININT1 each, APPENDS every 1000. */
    private static byte[] smallIntsPickle() {
        byte[] body = new byte[SIZE];
        int at = 0;
        body[at++] = (byte) 0x80;
        body[at++] = 4;
        body[at++] = ']';
        while (at < SIZE - 2010) {
            body[at++] = '(';
            for (int i = 0; i < 1000; i++) {
                body[at++] = 'K';
                body[at++] = (byte) i;
            }
            body[at++] = 'e';
        }
        // None, popped, until the STOP.
        Arrays.fill(body, at, SIZE - 1, (byte) 'N');
        for (int i = at + 1; i < SIZE - 1; i += 2) {
            body[i] = '0';
        }
        body[SIZE - 1] = '.';
        return body;
    }

    private static void measure(String name, byte[] body) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long start = System.nanoTime();
        for (int at = 0; at < body.length; at += CHUNK) {
            sha256.update(body, at, Math.min(CHUNK, body.length - at));
        }
        sha256.digest();
        long hashed = System.nanoTime();
        PickleScanner scanner = new PickleScanner(AllowList.defaults());
        for (int at = 0; at < body.length; at += CHUNK) {
            scanner.update(body, at, Math.min(CHUNK, body.length - at));
        }
        PickleReport report = scanner.finish();
        long scanned = System.nanoTime();
        double mib = body.length / 1048576.0;
        System.out.printf("%s: SHA-256 %.0f ms (%.0f MiB/s), scan %.0f ms (%.0f MiB/s), %.1f %% of SHA-256; %s%n", name,
                (hashed - start) / 1e6, mib / ((hashed - start) / 1e9), (scanned - hashed) / 1e6,
                mib / ((scanned - hashed) / 1e9), 100.0 * (scanned - hashed) / (hashed - start), report.verdict().token());
    }
}
