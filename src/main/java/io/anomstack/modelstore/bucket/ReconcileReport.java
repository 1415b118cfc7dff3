package io.anomstack.modelstore.bucket;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** What one reconciliation of one bucket did, step by step. */
@Schema(description = "What reconciling one bucket did, step by step")
public record ReconcileReport(@Schema(example = "your-anomstack-models-bucket") String bucket,
                              @Schema(example = "us-east-1") String region,
                              List<StepResult> steps) {

    public ReconcileReport {
        steps = List.copyOf(steps);
    }
}
