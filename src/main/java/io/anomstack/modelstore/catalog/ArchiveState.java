package io.anomstack.modelstore.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.Set;

/**
 * Where a version's model object sits in S3's storage classes right now, and whether it can be read. Lifecycle
 * rules move objects long after they were written, so this is live state asked of S3, never part of the stored
 * metadata document.
 *
 * @param storageClass  the object's current storage class, null when S3 did not say
 * @param archived      whether it is in an archive class or tier, where it cannot be read until restored
 * @param accessTier    for INTELLIGENT_TIERING objects in an archive tier: ARCHIVE_ACCESS or DEEP_ARCHIVE_ACCESS
 * @param restore       the restore status, null when unknown
 * @param restoredUntil when the restored copy of a GLACIER or DEEP_ARCHIVE object expires
 */
@JsonPropertyOrder({"storage_class", "archived", "access_tier", "readable", "restore", "restored_until"})
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "Live archive state of the model object in S3 (one HeadObject); absent when S3 could not be asked")
public record ArchiveState(
        @JsonProperty("storage_class") @Schema(example = "GLACIER") String storageClass,
        @Schema(description = "In GLACIER, DEEP_ARCHIVE or an INTELLIGENT_TIERING archive tier") boolean archived,
        @JsonProperty("access_tier") @Schema(description = "INTELLIGENT_TIERING archive tier", example = "ARCHIVE_ACCESS",
                nullable = true) String accessTier,
        @Schema(nullable = true) RestoreStatus restore,
        @JsonProperty("restored_until") @Schema(description = "When the restored copy expires (GLACIER, DEEP_ARCHIVE)",
                nullable = true) Instant restoredUntil) {

    private static final Set<String> ARCHIVE_CLASSES = Set.of("GLACIER", "DEEP_ARCHIVE");
    private static final Set<String> DEEP = Set.of("DEEP_ARCHIVE", "DEEP_ARCHIVE_ACCESS");

    /** The state of an object in {@code storageClass} (and Intelligent-Tiering {@code accessTier}, or null). */
    public static ArchiveState of(String storageClass, String accessTier, RestoreStatus restore, Instant restoredUntil) {
        boolean archived = storageClass != null && ARCHIVE_CLASSES.contains(storageClass) || accessTier != null;
        return new ArchiveState(storageClass, archived, accessTier,
                archived && restore == null ? RestoreStatus.NONE : restore, restoredUntil);
    }

    /** Whether a download works now: not archived, or a restored copy is there. */
    @JsonProperty("readable")
    @Schema(description = "Whether downloads work now: not archived, or restored")
    public boolean readable() {
        return !archived() || restore == RestoreStatus.RESTORED;
    }

    /** DEEP_ARCHIVE and Intelligent-Tiering's Deep Archive Access tier: slower restores, no Expedited tier. */
    public boolean deep() {
        // Set.of(…).contains(null) throws: S3 may name neither.
        return storageClass != null && DEEP.contains(storageClass) || accessTier != null && DEEP.contains(accessTier);
    }

    /**
     * Intelligent-Tiering archive tiers restore by moving the object back to its Frequent Access tier: no copy, so
     * no number of days.
     */
    public boolean restoresInPlace() {
        return accessTier != null;
    }

    /** The archive class or tier, as a person reads it. */
    public String describe() {
        if (storageClass == null) {
            return "an archive storage class";
        }
        return accessTier == null ? storageClass : storageClass + " (" + accessTier + " tier)";
    }

    /** Where a restore of an archived object stands. */
    public enum RestoreStatus {
        /** No restore was requested, or its copy expired. */
        NONE,
        IN_PROGRESS,
        /** A readable copy is there (until {@code restored_until} for GLACIER and DEEP_ARCHIVE). */
        RESTORED;

        @JsonValue
        public String token() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
