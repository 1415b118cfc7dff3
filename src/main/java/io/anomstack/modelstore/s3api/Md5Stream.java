package io.anomstack.modelstore.s3api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** A body passed through while its MD5 is computed: S3's ETag of a single PUT, and what Content-MD5 is checked against. */
final class Md5Stream extends FilterInputStream {

    private final MessageDigest md5 = newMd5();
    private byte[] digest;

    Md5Stream(InputStream in) {
        super(in);
    }

    static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has MD5", e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            md5.update((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            md5.update(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("A digested body is read, not skipped");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** The MD5 of everything read, once the body has been read to its end. */
    byte[] digest() {
        if (digest == null) {
            digest = md5.digest();
        }
        return digest;
    }

    String hex() {
        return HexFormat.of().formatHex(digest());
    }

    /**
     * Checks the body against the request's Content-MD5 (base64), when it had one.
     *
     * @throws software.amazon.awssdk.services.s3.model.S3Exception BadDigest
     */
    void check(String contentMd5) {
        if (contentMd5 != null && !MessageDigest.isEqual(Base64.getDecoder().decode(contentMd5), digest())) {
            throw S3Answers.badDigest();
        }
    }
}
