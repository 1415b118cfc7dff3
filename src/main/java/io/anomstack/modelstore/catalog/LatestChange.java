package io.anomstack.modelstore.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;

/**
 * One move of a model's latest pointer: which version became latest, when, and why.
 *
 * @param version the version that became latest
 * @param at      when the pointer moved (the writing replica's clock)
 * @param cause   what moved it
 */
@Schema(description = "A version becoming latest")
public record LatestChange(@Schema(example = "20250131_235959") String version,
                           @Schema(example = "2025-02-01T00:00:03.512Z") Instant at,
                           Cause cause) {

    /** The newest changes a pointer keeps; older ones are dropped as new ones come. */
    public static final int KEPT = 100;

    /** What moved the pointer. */
    public enum Cause {
        /** A new upload (or the pointer rebuilt after a crash, which picks the newest version). */
        @JsonProperty("upload") UPLOAD,
        /** A rollback pinned an existing version. */
        @JsonProperty("rollback") ROLLBACK,
        /** The latest version was deleted; the newest remaining one took its place. */
        @JsonProperty("delete") DELETE
    }
}
