package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.ModelEncoding;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One batch file as {@link BatchPolicyParser} read it, before the service's defaults apply.
 *
 * @param path      the file
 * @param batch     its {@code metric_batch}; {@code null} when the file names no valid batch (its problems say why)
 * @param batchLine the line of {@code metric_batch}; 0 when {@code batch} is {@code null}
 * @param overrides what its {@code model_store_params} sets; {@code null} when the file names no batch or the batch's
 *                  {@code model_store} is not s3, so that the file has no policy
 * @param modelTags the {@code model_tag} of each {@code model_configs} entry
 * @param problems  everything wrong in the file, one sentence each naming the file and line
 */
record BatchFile(Path path, @Nullable String batch, int batchLine, @Nullable Overrides overrides, List<String> modelTags,
                 List<String> problems) {

    BatchFile {
        Objects.requireNonNull(path, "path");
        modelTags = List.copyOf(modelTags);
        problems = List.copyOf(problems);
    }

    /** A file without {@code model_configs}. */
    BatchFile(Path path, @Nullable String batch, int batchLine, @Nullable Overrides overrides, List<String> problems) {
        this(path, batch, batchLine, overrides, List.of(), problems);
    }

    /**
     * What a file's {@code model_store_params} sets; a {@code null} field is left to the defaults. The lines are those
     * of the values that other settings are checked against.
     */
    static final class Overrides {
        @Nullable String bucket;
        @Nullable String prefix;
        @Nullable String region;
        @Nullable ServerSideEncryption encryption;
        @Nullable Integer encryptionLine;
        /** The file names an encryption that is not supported (a problem already); it is not checked further. */
        boolean encryptionInvalid;
        @Nullable String kmsKeyId;
        @Nullable Integer kmsKeyLine;
        @Nullable Boolean bucketKey;
        @Nullable Integer bucketKeyLine;
        @Nullable StorageClass storageClass;
        @Nullable ModelEncoding compression;
        /** Whether {@code retention.keep_last} is given; {@code keepLast} {@code null} then means no limit. */
        boolean keepLastSet;
        @Nullable Integer keepLast;
        /** Whether {@code retention.max_age_days} is given; {@code maxAgeDays} {@code null} then means no limit. */
        boolean maxAgeDaysSet;
        @Nullable Integer maxAgeDays;
        @Nullable PickleSettings pickle;
    }
}
