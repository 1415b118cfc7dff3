package io.anomstack.modelstore.web;

import io.anomstack.modelstore.catalog.LatestChange;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.ModelSummary;
import io.anomstack.modelstore.catalog.PruneResult;
import io.anomstack.modelstore.catalog.RestoreResult;
import io.anomstack.modelstore.catalog.VersionPage;
import io.anomstack.modelstore.web.download.BatchBundles;
import io.anomstack.modelstore.web.upload.IdempotencyKeys;
import io.anomstack.modelstore.web.upload.UploadRequestReader;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Encoding;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The models API as HTTP sees it: routes, parameters and their OpenAPI documentation. {@link ModelController}
 * implements it. A {@link ModelRef} parameter is the model the {@code {batch}} and {@code {metric}} path variables and
 * the optional {@code tag} query parameter name ({@link ModelRefArgumentResolver}); {@link ModelRefConfiguration}
 * documents those three unless the method does (as the upload does, with examples).
 */
@RequestMapping("/api/v1/models")
@Tag(name = "models", description = "Upload, list, download and delete the model versions of Anomstack metric batches")
interface ModelApi {

    /** Ten years: longer than anyone should keep a temporary copy billed at STANDARD rates. */
    int MAX_RESTORE_DAYS = 3650;
    String TAG_DOC = "Model tag, for metrics with several models (one per Anomstack model_configs entry), e.g. pca_default";

    /** The batches that have models. */
    record BatchList(List<String> batches) {
    }

    /** The models of one batch. */
    record ModelList(String batch, List<ModelSummary> models) {
    }

    /** The documented shape of the multipart upload form. */
    record UploadForm(
            @Schema(type = "string", format = "binary", description = "The model file; its extension becomes the object's (default pkl)")
            String file,
            @Schema(description = "Optional JSON object of your own: training parameters, scores, git sha…",
                    example = "{\"n_components\": 3, \"git_sha\": \"4f2a9c1\"}")
            String metadata) {
    }

    /** Names a version, for rollback and aliases. */
    record VersionRequest(@Schema(example = "20250131_235959") String version) {
    }

    /** The moves of a model's latest pointer, newest first. */
    record LatestHistory(List<LatestChange> changes) {
    }

    /** A model's aliases and the versions they point to. */
    record AliasList(Map<String, String> aliases) {
    }

    @PostMapping(path = "/{batch}/{metric}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Upload a new model version",
            description = "Streams the model to S3 (multipart upload for large bodies) and commits it as a new version "
                    + "that becomes latest. Send the raw bytes (application/octet-stream, fixed length or chunked, metadata "
                    + "as a JSON object in X-Model-Metadata, file name in Content-Disposition) or a multipart/form-data "
                    + "form with a 'file' part and an optional 'metadata' part.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
                    @Content(mediaType = "multipart/form-data", schema = @Schema(implementation = UploadForm.class),
                            encoding = @Encoding(name = "metadata", contentType = "application/json")),
                    @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary"))}))
    @Parameter(in = ParameterIn.PATH, name = "batch", required = true, example = "my_batch", schema = @Schema(type = "string"))
    @Parameter(in = ParameterIn.PATH, name = "metric", required = true, example = "cpu_usage", schema = @Schema(type = "string"))
    @Parameter(in = ParameterIn.QUERY, name = "tag", description = TAG_DOC, schema = @Schema(type = "string"))
    @Parameter(in = ParameterIn.HEADER, name = UploadRequestReader.METADATA_HEADER,
            description = "For raw uploads: your metadata as a JSON object, such as {\"n_components\": 3}. "
                    + "A form sends it as its 'metadata' part instead.",
            schema = @Schema(type = "string"))
    @Parameter(in = ParameterIn.HEADER, name = IdempotencyKeys.KEY_HEADER,
            description = "A key of yours for this upload, such as a UUID: sent again with a retry of the upload, it "
                    + "answers 200 with the version the first attempt stored (Idempotent-Replayed: true) instead of "
                    + "storing a second one.",
            schema = @Schema(type = "string", example = "3f9c2a61-5d7e-4b8a-9a0e-1c2d3e4f5a6b"))
    @ApiResponse(responseCode = "201", description = "Stored; Location names the version")
    @ApiResponse(responseCode = "200", description = "An earlier upload with the same Idempotency-Key stored this version")
    @ApiResponse(responseCode = "400", description = "Invalid name, metadata or form", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "409", description = "An upload with the same Idempotency-Key is running, or another "
            + "writer took the version id: retry", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "413", description = "Larger than modelstore.max-model-size", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "422", description = "The body does not have the announced SHA-256, or the "
            + "Idempotency-Key stored another model, or it is a pickle that imports something outside the batch's "
            + "allow-list or does not parse to its end (unsafe-pickle, with refused_globals)",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<ModelDescriptor> upload(ModelRef model, @Parameter(hidden = true) HttpServletRequest request);

    @GetMapping
    @Operation(summary = "List the batches that have models")
    BatchList batches();

    @GetMapping("/{batch}")
    @Operation(summary = "List a batch's models with their latest versions")
    ModelList models(@PathVariable @Parameter(example = "my_batch") String batch);

    @RequestMapping(path = "/{batch}/_bundle", method = {RequestMethod.GET, RequestMethod.HEAD})
    @Operation(summary = "Download the latest version of every model of a batch as one tar archive",
            description = "manifest.json first (batch, etag, and per model: metric, tag, version, sha256, size_bytes, path), "
                    + "then each model's original bytes at {metric}[/{tag}]/model_{version}.{ext}. The ETag covers every "
                    + "model's latest version: If-None-Match answers 304 while nothing in the batch changed. "
                    + "'_bundle' cannot be a metric name, so the path never collides with a model.")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = BatchBundles.TAR, schema = @Schema(type = "string", format = "binary")))
    void bundle(@PathVariable @Parameter(example = "my_batch") String batch,
                HttpServletRequest request, HttpServletResponse response) throws IOException;

    @GetMapping("/{batch}/{metric}/versions")
    @Operation(summary = "List a model's versions, newest first", description = "Pass next_cursor as cursor for the next page.")
    VersionPage versions(@RequestParam(defaultValue = "100") @Parameter(description = "Page size, 1 to 1000") int limit,
                         @RequestParam(required = false) @Parameter(description = "next_cursor of the previous page") String cursor,
                         ModelRef model);

    @RequestMapping(path = "/{batch}/{metric}/latest", method = {RequestMethod.GET, RequestMethod.HEAD})
    @Operation(summary = "Download the latest version", description = "The model bytes; X-Model-Version and "
            + "X-Model-Sha256 say which version and let the client verify them. If-None-Match with the ETag answers 304.")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    void latest(ModelRef model, HttpServletRequest request, HttpServletResponse response) throws IOException;

    @PutMapping(path = "/{batch}/{metric}/latest", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Roll back: make an older version latest",
            description = "Latest stays pinned to this version until a newer upload; latest's descriptor says pinned: true.")
    ModelDescriptor rollback(@RequestBody VersionRequest request, ModelRef model);

    @GetMapping("/{batch}/{metric}/latest/history")
    @Operation(summary = "How latest moved, newest first",
            description = "Each time a version became latest: by an upload, a rollback, or the deletion of the version "
                    + "that was latest. The newest 100 moves are kept; a model stored by an earlier release starts with "
                    + "its latest version as it was then.")
    LatestHistory latestHistory(ModelRef model);

    @GetMapping("/{batch}/{metric}/aliases")
    @Operation(summary = "List a model's aliases")
    AliasList aliases(ModelRef model);

    @PutMapping(path = "/{batch}/{metric}/aliases/{alias}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Point an alias (production, champion…) at a version", description = "Creates the alias or moves it.")
    ModelDescriptor setAlias(@PathVariable @Parameter(example = "production") String alias,
                             @RequestBody VersionRequest request, ModelRef model);

    @RequestMapping(path = "/{batch}/{metric}/aliases/{alias}", method = {RequestMethod.GET, RequestMethod.HEAD})
    @Operation(summary = "Download the version an alias points to", description = "Like latest: headers, ETag, Range, encodings.")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    void alias(@PathVariable String alias, ModelRef model, HttpServletRequest request, HttpServletResponse response)
            throws IOException;

    @GetMapping("/{batch}/{metric}/aliases/{alias}/metadata")
    @Operation(summary = "Describe the version an alias points to")
    ModelDescriptor aliasMetadata(@PathVariable String alias, ModelRef model);

    @DeleteMapping("/{batch}/{metric}/aliases/{alias}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete an alias", description = "The version it pointed to stays.")
    void deleteAlias(@PathVariable String alias, ModelRef model);

    @PostMapping("/{batch}/{metric}/prune")
    @Operation(summary = "Apply the batch's retention rule to this model now",
            description = "Deletes the versions the batch's retention (keep_last, max_age_days) does not keep; never the "
                    + "latest or an aliased version. With dry_run=true nothing is deleted: the answer lists what would go.")
    PruneResult prune(@RequestParam(name = "dry_run", defaultValue = "false") boolean dryRun, ModelRef model);

    @GetMapping("/{batch}/{metric}/latest/metadata")
    @Operation(summary = "Describe the latest version")
    ModelDescriptor latestMetadata(ModelRef model);

    @RequestMapping(path = "/{batch}/{metric}/versions/{version}", method = {RequestMethod.GET, RequestMethod.HEAD})
    @Operation(summary = "Download one version")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    void version(@PathVariable @Parameter(example = "20250131_235959") String version, ModelRef model,
                 HttpServletRequest request, HttpServletResponse response) throws IOException;

    @GetMapping("/{batch}/{metric}/versions/{version}/metadata")
    @Operation(summary = "Describe one version",
            description = "With 'archive': the model object's live storage class, whether it is archived and readable, "
                    + "and the status of a restore, from one HeadObject (absent when S3 could not be asked).")
    ModelDescriptor versionMetadata(@PathVariable String version, ModelRef model);

    @PostMapping("/{batch}/{metric}/versions/{version}/restore")
    @Operation(summary = "Restore an archived version",
            description = "Starts an S3 restore of a version whose model object a lifecycle rule moved to GLACIER, "
                    + "DEEP_ARCHIVE or an INTELLIGENT_TIERING archive tier; downloads answer 409 until it has finished. "
                    + "Typical times: Expedited 1-5 minutes (not from DEEP_ARCHIVE or Deep Archive Access), Standard 3-5 "
                    + "hours (within 12 hours from the deep tiers), Bulk 5-12 hours (within 48 hours). Repeating the "
                    + "request is harmless: while a restore runs it answers 202 again; once restored it answers 200 and "
                    + "the restored copy's days count from today. The service needs s3:RestoreObject for this.")
    @ApiResponse(responseCode = "202", description = "Restore started, or already in progress")
    @ApiResponse(responseCode = "200", description = "Restored: downloads work until archive.restored_until")
    @ApiResponse(responseCode = "400", description = "Not archived, bad days or tier, or Expedited from a deep archive",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "404", description = "No such version", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "502", description = "The service may not restore (s3:RestoreObject missing)",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<RestoreResult> restore(
            @PathVariable @Parameter(example = "20250131_235959") String version,
            @RequestParam(defaultValue = "7") @Parameter(description = "Days the restored copy stays readable, 1 to "
                    + MAX_RESTORE_DAYS + "; INTELLIGENT_TIERING objects move back to their Frequent Access tier for good "
                    + "and ignore it") int days,
            @RequestParam(defaultValue = "Standard") @Parameter(description = "Restore speed",
                    schema = @Schema(allowableValues = {"Expedited", "Standard", "Bulk"})) String tier,
            ModelRef model);

    @DeleteMapping("/{batch}/{metric}/versions/{version}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete one version", description = "If it was the latest, the newest remaining version becomes latest.")
    void deleteVersion(@PathVariable String version, ModelRef model);

    @DeleteMapping("/{batch}/{metric}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete every version of a model", description = "Other tags of the same metric are kept.")
    void deleteModel(ModelRef model);
}
