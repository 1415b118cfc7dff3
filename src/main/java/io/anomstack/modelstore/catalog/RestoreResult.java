package io.anomstack.modelstore.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What a restore request of an archived version achieved.
 *
 * @param status  {@code in_progress} (started now or earlier) or {@code restored} (readable now)
 * @param days    how long the restored copy stays; null for Intelligent-Tiering, whose restore moves the object back
 *                to its Frequent Access tier for good
 * @param archive the object's archive state after the request
 */
@JsonPropertyOrder({"batch", "metric", "tag", "version", "status", "tier", "days", "typical_duration", "archive"})
@Schema(description = "The outcome of a restore request")
public record RestoreResult(
        @Schema(example = "my_batch") String batch,
        @Schema(example = "cpu_usage") String metric,
        @Schema(nullable = true) String tag,
        @Schema(example = "20250131_235959") String version,
        @Schema(example = "in_progress") ArchiveState.RestoreStatus status,
        @Schema(example = "Standard") String tier,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(example = "7", nullable = true) Integer days,
        @JsonProperty("typical_duration") @Schema(example = "3-5 hours") String typicalDuration,
        ArchiveState archive) {
}
