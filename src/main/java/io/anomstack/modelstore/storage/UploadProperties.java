package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelEncoding;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How model bodies are written to S3, bound from {@code modelstore.upload.*}.
 *
 * @param partsInFlight    parts of one upload sent in parallel while the next part fills (default 4); memory per
 *                         upload is at most part size × (parts in flight + 1)
 * @param compression      {@code zstd} (default), {@code gzip} or {@code none} ({@code S3_COMPRESSION}); input that
 *                         does not compress is stored as is
 * @param compressionLevel zstd 1–19 or gzip 1–9 (default 1: the fastest, which keeps compression ahead of the network)
 * @param memoryBudget     heap all uploads of this instance may hold at once ({@code MODELSTORE_UPLOAD_MEMORY_BUDGET},
 *                         e.g. {@code 512MB}); unset, half the maximum heap. Before its body is read, an upload reserves
 *                         what the store can hold for it: a raw body with a Content-Length of at most a quarter of a part,
 *                         that length, its compression sample and trial (twice the length, at most 512 KiB) and 196 KiB
 *                         of buffers; any other body (larger, chunked, a form) part size × (parts in flight + 1) plus
 *                         about 0.7 MiB (40.7 MiB with the defaults). An upload that does not fit gets 429 with
 *                         {@code Retry-After}; one that needs more than the whole budget is taken when no other upload
 *                         holds any of it
 */
@ConfigurationProperties("modelstore.upload")
public record UploadProperties(
        @DefaultValue("4") int partsInFlight,
        @DefaultValue("zstd") String compression,
        @DefaultValue("1") int compressionLevel,
        @Nullable DataSize memoryBudget) {

    /** Share of the maximum heap uploads get when no budget is set: the rest is for requests, caches and the JVM. */
    static final int DEFAULT_BUDGET_PERCENT = 50;

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
        if (memoryBudget != null && memoryBudget.toBytes() <= 0) {
            throw new IllegalArgumentException("MODELSTORE_UPLOAD_MEMORY_BUDGET must be positive, e.g. 512MB; unset, "
                    + "uploads get half the maximum heap.");
        }
    }

    /** The budget in bytes: the one set, or {@value #DEFAULT_BUDGET_PERCENT} % of the maximum heap. */
    long memoryBudgetBytes() {
        return memoryBudget != null ? memoryBudget.toBytes()
                : Runtime.getRuntime().maxMemory() / 100 * DEFAULT_BUDGET_PERCENT;
    }

    public ModelEncoding encoding() {
        return ModelEncoding.fromToken(compression);
    }
}
