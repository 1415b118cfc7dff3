package io.anomstack.modelstore.catalog;

import org.jspecify.annotations.Nullable;

import java.io.InputStream;
import java.util.Map;

/**
 * One model upload as it arrives: the body is read once, from start to end, while it is stored.
 *
 * @param model          the model the new version belongs to
 * @param fileName       the uploaded file's name; its extension becomes the object's
 * @param contentType    the model's media type
 * @param declaredLength the length the client announced, or -1 when it did not (chunked, multipart)
 * @param body           the model bytes
 * @param expectedSha256 the SHA-256 (hex) the client announced for the body
 * @param metadata       the uploader's metadata, read once the body has been consumed (a multipart form may
 *                       send it after the file)
 * @param idempotencyKey the client's key for this upload and its retries
 */
public record ModelUpload(ModelRef model, @Nullable String fileName, String contentType, long declaredLength,
                          InputStream body, @Nullable String expectedSha256, MetadataSource metadata,
                          @Nullable String idempotencyKey) {

    /** Supplies the uploader's metadata object once the body has been read. */
    @FunctionalInterface
    public interface MetadataSource {
        Map<String, Object> read();
    }
}
