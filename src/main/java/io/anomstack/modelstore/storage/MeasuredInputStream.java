package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelTooLargeException;
import io.anomstack.modelstore.catalog.UploadInterruptedException;
import io.anomstack.modelstore.pickle.PickleReport;
import io.anomstack.modelstore.pickle.PickleScanner;
import org.jspecify.annotations.Nullable;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes a model body through while counting it, hashing it with SHA-256, enforcing the size limit and feeding the
 * pickle scanner, so that the body is read exactly once. A body that ends before the length its client announced is an
 * interrupted upload, not a shorter model.
 */
final class MeasuredInputStream extends FilterInputStream {

    private final long maxBytes;
    private final long expectedBytes;
    private final MessageDigest sha256;
    private final @Nullable PickleScanner scanner;
    private long count;
    private String sha256Hex;
    private PickleReport pickleReport;

    /**
     * @param maxBytes      the largest body accepted
     * @param expectedBytes the announced length, or -1 when unknown
     */
    MeasuredInputStream(InputStream in, long maxBytes, long expectedBytes) {
        this(in, maxBytes, expectedBytes, null);
    }

    /**
     * @param maxBytes      the largest body accepted
     * @param expectedBytes the announced length, or -1 when unknown
     * @param scanner       the pickle scanner the bytes go through, or {@code null} when the body is not scanned
     */
    MeasuredInputStream(InputStream in, long maxBytes, long expectedBytes, @Nullable PickleScanner scanner) {
        super(in);
        this.scanner = scanner;
        this.maxBytes = maxBytes;
        this.expectedBytes = expectedBytes;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    /** The length the client announced, or -1 when unknown. */
    long expectedBytes() {
        return expectedBytes;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n;
        try {
            n = in.read(buffer, offset, length);
        } catch (IOException e) {
            throw new UploadInterruptedException("The upload was interrupted after " + count + " bytes ("
                    + (e.getMessage() == null ? "the connection was lost" : e.getMessage()) + "); nothing was stored.", e);
        }
        if (n < 0) {
            if (expectedBytes >= 0 && count != expectedBytes) {
                throw new UploadInterruptedException("The upload ended after " + count + " of the " + expectedBytes
                        + " bytes announced by Content-Length; nothing was stored.", null);
            }
            return n;
        }
        count += n;
        if (count > maxBytes) {
            throw new ModelTooLargeException(maxBytes);
        }
        sha256.update(buffer, offset, n);
        if (scanner != null) {
            scanner.update(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("A model body is read whole");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    long count() {
        return count;
    }

    /** What the pickle scan of the whole body found ({@code unchecked} without a scanner); the body must have been consumed. */
    PickleReport pickleReport() {
        if (pickleReport == null) {
            pickleReport = scanner == null ? PickleReport.unchecked() : scanner.finish();
        }
        return pickleReport;
    }

    /** The SHA-256 of the whole body, in hex; the body must have been consumed. */
    String sha256Hex() {
        if (sha256Hex == null) {
            sha256Hex = HexFormat.of().formatHex(sha256.digest());
        }
        return sha256Hex;
    }
}
