package io.anomstack.modelstore.web;

import io.anomstack.modelstore.bucket.BucketAdmin;
import io.anomstack.modelstore.bucket.BucketReport;
import io.anomstack.modelstore.bucket.ReconcileReport;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** The admin API for the bucket models are stored in: shows its configuration and reconciles it ({@link BucketAdmin}). */
@RestController
@RequestMapping("/api/v1/admin/bucket")
@Tag(name = "admin", description = "Configuration of the bucket models are stored in")
class AdminBucketController {

    private final BucketAdmin admin;

    AdminBucketController(BucketAdmin admin) {
        this.admin = admin;
    }

    @Schema(description = "The managed buckets' configuration")
    record BucketsView(@Schema(description = "Whether the service manages the buckets (MODELSTORE_BUCKET_MANAGE)") boolean managed,
                       List<BucketReport> buckets) {
    }

    @Schema(description = "What a reconciliation did, per bucket")
    record ReconcileView(List<ReconcileReport> buckets) {
    }

    @GetMapping
    @Operation(summary = "Show the bucket's configuration",
            description = "Versioning, public access block, default encryption and lifecycle rules (the service's own "
                    + "marked `ours`), each with what the service would set and whether it matches. A part the service may "
                    + "not read shows `denied` with the missing permission; one the S3 server does not implement shows "
                    + "`unsupported`. Only reads, also while bucket management is off.")
    BucketsView bucket() {
        return new BucketsView(admin.managed(), admin.inspect());
    }

    @PostMapping("/reconcile")
    @Operation(summary = "Reconcile the bucket's configuration now",
            description = "Creates the bucket if missing, enables versioning, blocks public access, sets default "
                    + "encryption and merges the service's lifecycle rules into the bucket's (others' rules are kept). "
                    + "Each step reports `unchanged`, `changed`, `denied` (with the missing IAM permission), "
                    + "`unsupported`, `failed` or `skipped`. Runs at start-up too.")
    @ApiResponse(responseCode = "200", description = "Every step's outcome")
    @ApiResponse(responseCode = "409", description = "Bucket management is off (MODELSTORE_BUCKET_MANAGE=false)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    ReconcileView reconcile() {
        return new ReconcileView(admin.reconcile());
    }
}
