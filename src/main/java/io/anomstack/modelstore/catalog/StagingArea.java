package io.anomstack.modelstore.catalog;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where the parts of a multipart upload received through the S3 API wait, as objects of their own, until the upload
 * is completed (then they are streamed in order into one new version) or aborted. Upload ids are chosen by the caller
 * and must be 32 hex digits.
 */
public interface StagingArea {

    /** Starts an upload with its manifest, a small document the caller reads back at completion. */
    void begin(String uploadId, byte[] manifest);

    /** The manifest of an upload that was begun and not yet discarded. */
    Optional<byte[]> manifest(String uploadId);

    /**
     * Stores a part from a stream of {@code length} bytes, replacing an earlier part with the same number.
     *
     * @return the part's ETag as the store reports it
     */
    String putPart(String uploadId, int partNumber, InputStream body, long length);

    /** The parts stored for an upload, by ascending part number. */
    List<StagedPart> parts(String uploadId);

    /** Opens a part's bytes. */
    InputStream openPart(String uploadId, int partNumber);

    /** Removes an upload's manifest and parts. */
    void discard(String uploadId);

    /** One stored part. */
    record StagedPart(int number, long size, String eTag) {
    }
}
