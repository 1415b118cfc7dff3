package io.anomstack.modelstore.s3;

import io.anomstack.modelstore.catalog.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.BiFunction;

/**
 * The bytes of an S3 object (or of a byte range of it) that survive a connection lost mid-body. The SDK retries a
 * GET only until its answer starts; a reset or a timeout while the body streams would end the download. Here the rest
 * is asked for again by a ranged GET, conditional on the same ETag, up to {@code resumes} times per stream. Model
 * objects are never overwritten (each version has its own key), so the rest is the rest of the same bytes.
 */
final class ResumingObjectStream extends InputStream {

    private static final Logger log = LoggerFactory.getLogger(ResumingObjectStream.class);

    private final String key;
    private final long first;
    private final long length;
    private final String eTag;
    /** Reopens the object at a range ({@code bytes=first-last}) under an ETag condition. */
    private final BiFunction<String, String, ResponseInputStream<GetObjectResponse>> reopen;
    private int resumesLeft;
    private InputStream current;
    private long position;

    /**
     * @param opened the first answer; {@code first} is the offset of its first byte in the object
     */
    ResumingObjectStream(String key, long first, ResponseInputStream<GetObjectResponse> opened, int resumes,
                         BiFunction<String, String, ResponseInputStream<GetObjectResponse>> reopen) {
        this.key = key;
        this.first = first;
        this.length = opened.response().contentLength() == null ? -1 : opened.response().contentLength();
        this.eTag = opened.response().eTag();
        this.current = opened;
        this.resumesLeft = resumes;
        this.reopen = reopen;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int count) throws IOException {
        while (true) {
            try {
                int n = current.read(target, offset, count);
                if (n > 0) {
                    position += n;
                }
                return n;
            } catch (IOException e) {
                resumeAfter(e);
            }
        }
    }

    private void resumeAfter(IOException failure) {
        if (length < 0 || position >= length || resumesLeft == 0 || eTag == null) {
            throw new StoreUnavailableException("The connection to S3 broke after " + position + " bytes of " + key
                    + " (" + failure.getMessage() + "); retry the download.", failure);
        }
        resumesLeft--;
        log.warn("The connection to S3 broke after {} of {} bytes of {} ({}); reading the rest again", position, length,
                key, failure.getMessage());
        closeQuietly();
        current = reopen.apply("bytes=" + (first + position) + "-" + (first + length - 1), eTag);
    }

    @Override
    public void close() throws IOException {
        current.close();
    }

    private void closeQuietly() {
        try {
            if (current instanceof ResponseInputStream<?> response) {
                // Closing would read the broken rest to reuse the connection: drop it instead.
                response.abort();
            }
            current.close();
        } catch (IOException | RuntimeException ignored) {
            // The broken stream is being replaced; how it closes does not matter.
        }
    }
}
