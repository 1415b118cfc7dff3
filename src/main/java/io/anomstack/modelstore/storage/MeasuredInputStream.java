package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelTooLargeException;
import io.anomstack.modelstore.catalog.UploadInterruptedException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes a model body through while counting it, hashing it with SHA-256 and enforcing the size limit,
 * so that the body is read exactly once. A body that ends before the length its client announced is an
 * interrupted upload, not a shorter model.
 */
final class MeasuredInputStream extends FilterInputStream {

    private final long maxBytes;
    private final long expectedBytes;
    private final MessageDigest sha256;
    private long count;
    private String sha256Hex;

    /**
     * @param maxBytes      the largest body accepted
     * @param expectedBytes the announced length, or -1 when unknown
     */
    MeasuredInputStream(InputStream in, long maxBytes, long expectedBytes) {
        super(in);
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

    /** The SHA-256 of the whole body, in hex; the body must have been consumed. */
    String sha256Hex() {
        if (sha256Hex == null) {
            sha256Hex = HexFormat.of().formatHex(sha256.digest());
        }
        return sha256Hex;
    }
}
