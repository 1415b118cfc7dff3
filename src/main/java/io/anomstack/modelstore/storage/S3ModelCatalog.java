package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.LatestChange;
import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.ModelContent;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.ModelSummary;
import io.anomstack.modelstore.catalog.ModelUpload;
import io.anomstack.modelstore.catalog.PruneResult;
import io.anomstack.modelstore.catalog.RestoreResult;
import io.anomstack.modelstore.catalog.RestoreTier;
import io.anomstack.modelstore.catalog.RetentionRule;
import io.anomstack.modelstore.catalog.VersionId;
import io.anomstack.modelstore.catalog.VersionPage;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model catalog on S3: a facade that hands each operation to the part responsible for it (commits, listings,
 * latest and aliases, content, archive states, removals). See docs/decisions-storage.md for how a version is
 * committed and how latest is resolved.
 */
final class S3ModelCatalog implements ModelCatalog {

    private final ModelCommits commits;
    private final ModelListings listings;
    private final VersionLookup lookup;
    private final LatestAndAliases names;
    private final ModelContentReader content;
    private final ArchiveStates archives;
    private final VersionRemovals removals;

    S3ModelCatalog(ModelCommits commits, ModelListings listings, VersionLookup lookup, LatestAndAliases names,
                   ModelContentReader content, ArchiveStates archives, VersionRemovals removals) {
        this.commits = commits;
        this.listings = listings;
        this.lookup = lookup;
        this.names = names;
        this.content = content;
        this.archives = archives;
        this.removals = removals;
    }

    @Override
    public ModelDescriptor upload(ModelUpload upload) {
        return commits.upload(upload);
    }

    @Override
    public Optional<ModelDescriptor> uploadedWith(ModelRef model, String idempotencyKey) {
        return commits.uploadedWith(model, idempotencyKey);
    }

    @Override
    public List<String> batches() {
        return listings.batches();
    }

    @Override
    public List<ModelSummary> models(String batch) {
        return listings.models(batch);
    }

    @Override
    public VersionPage versions(ModelRef model, int limit, @Nullable String cursor) {
        return listings.versions(model, limit, cursor);
    }

    @Override
    public ModelDescriptor latest(ModelRef model) {
        return names.latest(model);
    }

    @Override
    public ModelDescriptor version(ModelRef model, VersionId version) {
        return lookup.require(model, version);
    }

    @Override
    public ModelDescriptor describe(ModelRef model, VersionId version) {
        return archives.describe(model, version);
    }

    @Override
    public RestoreResult restore(ModelRef model, VersionId version, int days, RestoreTier tier) {
        return archives.restore(model, version, days, tier);
    }

    @Override
    public ModelContent open(ModelDescriptor version) {
        return content.open(version);
    }

    @Override
    public ModelContent openOriginal(ModelDescriptor version) {
        return content.openOriginal(version);
    }

    @Override
    public ModelContent openRange(ModelDescriptor version, long first, long last) {
        return content.openRange(version, first, last);
    }

    @Override
    public void deleteVersion(ModelRef model, VersionId version) {
        removals.deleteVersion(model, version);
    }

    @Override
    public ModelDescriptor pinLatest(ModelRef model, VersionId version) {
        return names.pinLatest(model, version);
    }

    @Override
    public List<LatestChange> latestHistory(ModelRef model) {
        return names.latestHistory(model);
    }

    @Override
    public Map<String, VersionId> aliases(ModelRef model) {
        return names.aliases(model);
    }

    @Override
    public ModelDescriptor alias(ModelRef model, String alias) {
        return names.alias(model, alias);
    }

    @Override
    public ModelDescriptor setAlias(ModelRef model, String alias, VersionId version) {
        return names.setAlias(model, alias, version);
    }

    @Override
    public void deleteAlias(ModelRef model, String alias) {
        names.deleteAlias(model, alias);
    }

    @Override
    public PruneResult prune(ModelRef model, RetentionRule rule, boolean dryRun) {
        return removals.prune(model, rule, dryRun);
    }

    @Override
    public void deleteModel(ModelRef model) {
        removals.deleteModel(model);
    }
}
