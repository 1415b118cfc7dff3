package io.anomstack.modelstore.observability;

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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The catalog with the sizes of uploaded and downloaded models and the retention deletions measured on the way through,
 * so that the domain and the S3 code stay free of meters. Every other call passes straight through.
 */
final class MeteredModelCatalog implements ModelCatalog {

    private final ModelCatalog catalog;
    private final MeterRegistry registry;
    private final BatchTags batchTags;

    MeteredModelCatalog(ModelCatalog catalog, MeterRegistry registry, BatchTags batchTags) {
        this.catalog = catalog;
        this.registry = registry;
        this.batchTags = batchTags;
    }

    @Override
    public ModelDescriptor upload(ModelUpload upload) {
        ModelDescriptor stored = catalog.upload(upload);
        sizes("modelstore.upload.bytes", stored.batch(), stored.sizeBytes(), stored.storedBytes());
        return stored;
    }

    @Override
    public ModelContent open(ModelDescriptor version) {
        ModelContent content = catalog.open(version);
        sizes("modelstore.download.bytes", version.batch(), version.sizeBytes(), version.storedBytes());
        return content;
    }

    @Override
    public ModelContent openOriginal(ModelDescriptor version) {
        ModelContent content = catalog.openOriginal(version);
        sizes("modelstore.download.bytes", version.batch(), version.sizeBytes(), version.storedBytes());
        return content;
    }

    @Override
    public ModelContent openRange(ModelDescriptor version, long first, long last) {
        ModelContent content = catalog.openRange(version, first, last);
        // A range of a model stored as is: the same bytes in both representations.
        long length = last - first + 1;
        sizes("modelstore.download.bytes", version.batch(), length, length);
        return content;
    }

    @Override
    public PruneResult prune(ModelRef model, RetentionRule rule, boolean dryRun) {
        PruneResult result = catalog.prune(model, rule, dryRun);
        if (!dryRun && !result.pruned().isEmpty()) {
            Counter.builder("modelstore.retention.deletions")
                    .description("Model versions deleted by retention, scheduled or on demand")
                    .tags(batchTags.of(model.batch()))
                    .register(registry).increment(result.pruned().size());
        }
        return result;
    }

    private void sizes(String name, String batch, long original, long stored) {
        summary(name, batch, "original").record(original);
        summary(name, batch, "stored").record(stored);
    }

    private DistributionSummary summary(String name, String batch, String kind) {
        return DistributionSummary.builder(name)
                .description("Model sizes: as uploaded (original) and as kept in S3 (stored, after compression)")
                .baseUnit("bytes")
                .tags(batchTags.of(batch)).tag("kind", kind)
                .register(registry);
    }

    @Override
    public List<String> batches() {
        return catalog.batches();
    }

    @Override
    public List<ModelSummary> models(String batch) {
        return catalog.models(batch);
    }

    @Override
    public VersionPage versions(ModelRef model, int limit, String cursor) {
        return catalog.versions(model, limit, cursor);
    }

    @Override
    public ModelDescriptor latest(ModelRef model) {
        return catalog.latest(model);
    }

    @Override
    public Optional<ModelDescriptor> uploadedWith(ModelRef model, String idempotencyKey) {
        return catalog.uploadedWith(model, idempotencyKey);
    }

    @Override
    public ModelDescriptor version(ModelRef model, VersionId version) {
        return catalog.version(model, version);
    }

    @Override
    public ModelDescriptor describe(ModelRef model, VersionId version) {
        return catalog.describe(model, version);
    }

    @Override
    public RestoreResult restore(ModelRef model, VersionId version, int days, RestoreTier tier) {
        return catalog.restore(model, version, days, tier);
    }

    @Override
    public void deleteVersion(ModelRef model, VersionId version) {
        catalog.deleteVersion(model, version);
    }

    @Override
    public ModelDescriptor pinLatest(ModelRef model, VersionId version) {
        return catalog.pinLatest(model, version);
    }

    @Override
    public List<LatestChange> latestHistory(ModelRef model) {
        return catalog.latestHistory(model);
    }

    @Override
    public Map<String, VersionId> aliases(ModelRef model) {
        return catalog.aliases(model);
    }

    @Override
    public ModelDescriptor alias(ModelRef model, String alias) {
        return catalog.alias(model, alias);
    }

    @Override
    public ModelDescriptor setAlias(ModelRef model, String alias, VersionId version) {
        return catalog.setAlias(model, alias, version);
    }

    @Override
    public void deleteAlias(ModelRef model, String alias) {
        catalog.deleteAlias(model, alias);
    }

    @Override
    public void deleteModel(ModelRef model) {
        catalog.deleteModel(model);
    }
}
