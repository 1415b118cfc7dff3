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
 * @param memoryBudget     heap all uploads of this instance may hold at once ({@code MODELSTORE_UPLOAD_MEMORY_BUDGET});
 *                         unset, half the maximum heap. An upload reserves what it can hold before its body is read: a
 *                         body announced at most a quarter of a part reserves about its length, any other part size ×
 *                         (parts in flight + 1) (about 41 MB by default). One that does not fit gets 429 with
 *                         {@code Retry-After}; one larger than the whole budget is taken when no other upload runs
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
        return memoryBudget != null ? memoryBudget.toBytes() : Runtime.getRuntime().maxMemory() / 100 * DEFAULT_BUDGET_PERCENT;
    }

    public ModelEncoding encoding() {
        return ModelEncoding.fromToken(compression);
    }
}
