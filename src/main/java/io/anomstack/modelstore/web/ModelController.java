package io.anomstack.modelstore.web;

import io.anomstack.modelstore.catalog.ArchiveState;
import io.anomstack.modelstore.catalog.InvalidRequestException;
import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.PruneResult;
import io.anomstack.modelstore.catalog.RestoreResult;
import io.anomstack.modelstore.catalog.RestoreTier;
import io.anomstack.modelstore.catalog.VersionId;
import io.anomstack.modelstore.catalog.VersionPage;
import io.anomstack.modelstore.policy.BatchPolicies;
import io.anomstack.modelstore.web.ModelRefArgumentResolver.TagFromQueryString;
import io.anomstack.modelstore.web.download.BatchBundles;
import io.anomstack.modelstore.web.download.ModelDownloads;
import io.anomstack.modelstore.web.upload.IdempotencyKeys;
import io.anomstack.modelstore.web.upload.ModelUploads;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Handles the models API ({@link ModelApi}: routes and documentation): checks what the catalog does not (page size,
 * restore days), hands uploads to {@link ModelUploads} and downloads to {@link ModelDownloads} and
 * {@link BatchBundles}, and shapes the answers.
 */
@RestController
class ModelController implements ModelApi {

    private final ModelCatalog catalog;
    private final ModelUploads uploads;
    private final ModelDownloads downloads;
    private final BatchBundles bundles;
    private final BatchPolicies policies;

    ModelController(ModelCatalog catalog, ModelUploads uploads, ModelDownloads downloads, BatchBundles bundles,
                    BatchPolicies policies) {
        this.catalog = catalog;
        this.uploads = uploads;
        this.downloads = downloads;
        this.bundles = bundles;
        this.policies = policies;
    }

    /** 201 for a version this request stored, 200 for one an earlier attempt with its Idempotency-Key stored. */
    @Override
    public ResponseEntity<ModelDescriptor> upload(@TagFromQueryString ModelRef model, HttpServletRequest request) {
        ModelUploads.Outcome outcome = uploads.upload(request, model);
        ModelDescriptor stored = outcome.version();
        UriComponentsBuilder location = UriComponentsBuilder.fromPath("/api/v1/models/{batch}/{metric}/versions/{version}");
        if (model.tag() != null) {
            location.queryParam("tag", model.tag());
        }
        ResponseEntity.BodyBuilder answer = outcome.replayed()
                ? ResponseEntity.ok().header(IdempotencyKeys.REPLAYED_HEADER, "true")
                : ResponseEntity.status(HttpStatus.CREATED);
        return answer.location(location.buildAndExpand(model.batch(), model.metric(), stored.version()).toUri())
                .eTag(ModelDownloads.eTagOf(stored))
                .body(stored);
    }

    @Override
    public BatchList batches() {
        return new BatchList(catalog.batches());
    }

    @Override
    public ModelList models(String batch) {
        return new ModelList(batch, catalog.models(batch));
    }

    @Override
    public void bundle(String batch, HttpServletRequest request, HttpServletResponse response) throws IOException {
        bundles.send(batch, request, response);
    }

    @Override
    public VersionPage versions(int limit, String cursor, ModelRef model) {
        if (limit < 1 || limit > 1000) {
            throw new InvalidRequestException("limit must be between 1 and 1000, not " + limit + ".");
        }
        return catalog.versions(model, limit, cursor);
    }

    @Override
    public void latest(ModelRef model, HttpServletRequest request, HttpServletResponse response) throws IOException {
        downloads.send(catalog.latest(model), request, response);
    }

    @Override
    public ModelDescriptor rollback(VersionRequest request, ModelRef model) {
        return catalog.pinLatest(model, VersionId.parse(request.version()));
    }

    @Override
    public LatestHistory latestHistory(ModelRef model) {
        return new LatestHistory(catalog.latestHistory(model));
    }

    @Override
    public AliasList aliases(ModelRef model) {
        Map<String, String> aliases = new TreeMap<>();
        catalog.aliases(model).forEach((alias, version) -> aliases.put(alias, version.value()));
        return new AliasList(aliases);
    }

    @Override
    public ModelDescriptor setAlias(String alias, VersionRequest request, ModelRef model) {
        return catalog.setAlias(model, alias, VersionId.parse(request.version()));
    }

    @Override
    public void alias(String alias, ModelRef model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        downloads.send(catalog.alias(model, alias), request, response);
    }

    @Override
    public ModelDescriptor aliasMetadata(String alias, ModelRef model) {
        return catalog.alias(model, alias);
    }

    @Override
    public void deleteAlias(String alias, ModelRef model) {
        catalog.deleteAlias(model, alias);
    }

    @Override
    public PruneResult prune(boolean dryRun, ModelRef model) {
        return catalog.prune(model, policies.policyFor(model.batch()).retention(), dryRun);
    }

    @Override
    public ModelDescriptor latestMetadata(ModelRef model) {
        return catalog.latest(model);
    }

    @Override
    public void version(String version, ModelRef model, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        downloads.send(catalog.version(model, VersionId.parse(version)), request, response);
    }

    @Override
    public ModelDescriptor versionMetadata(String version, ModelRef model) {
        return catalog.describe(model, VersionId.parse(version));
    }

    @Override
    public ResponseEntity<RestoreResult> restore(String version, int days, String tier, ModelRef model) {
        VersionId id = VersionId.parse(version);
        if (days < 1 || days > MAX_RESTORE_DAYS) {
            throw new InvalidRequestException("days must be between 1 and " + MAX_RESTORE_DAYS + ", not " + days + ".");
        }
        RestoreResult result = catalog.restore(model, id, days, RestoreTier.parse(tier));
        return ResponseEntity.status(result.status() == ArchiveState.RestoreStatus.RESTORED ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .body(result);
    }

    @Override
    public void deleteVersion(String version, ModelRef model) {
        catalog.deleteVersion(model, VersionId.parse(version));
    }

    @Override
    public void deleteModel(ModelRef model) {
        catalog.deleteModel(model);
    }
}
