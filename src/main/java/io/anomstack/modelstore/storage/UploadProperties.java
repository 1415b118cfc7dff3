package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelEncoding;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How model bodies are written to S3, bound from {@code modelstore.upload.*}.
 *
 * @param partsInFlight    parts of one upload sent in parallel while the next part fills (default 4); memory per
 *                         upload is at most part size × (parts in flight + 1)
 * @param compression      {@code zstd} (default), {@code gzip} or {@code none} ({@code S3_COMPRESSION}); input that
 *                         does not compress is stored as is
 * @param compressionLevel zstd 1–19 or gzip 1–9 (default 1: the fastest, which keeps compression ahead of the network)
 */
@ConfigurationProperties("modelstore.upload")
public record UploadProperties(
        @DefaultValue("4") int partsInFlight,
        @DefaultValue("zstd") String compression,
        @DefaultValue("1") int compressionLevel) {

    public UploadProperties {
        if (partsInFlight < 1 || partsInFlight > 64) {
            throw new IllegalArgumentException("MODELSTORE_UPLOAD_PARTS_IN_FLIGHT must be between 1 and 64.");
        }
        try {
            ModelEncoding.fromToken(compression);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("S3_COMPRESSION '" + compression + "' is not supported; use zstd, gzip or none.");
        }
        if (compressionLevel < 1 || compressionLevel > 19) {
            throw new IllegalArgumentException("MODELSTORE_UPLOAD_COMPRESSION_LEVEL must be between 1 and 19 (gzip uses at most 9).");
        }
    }

    public ModelEncoding encoding() {
        return ModelEncoding.fromToken(compression);
    }
}
