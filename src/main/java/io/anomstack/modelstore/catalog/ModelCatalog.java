package io.anomstack.modelstore.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The models of all metric batches, their versions and their bytes. */
public interface ModelCatalog {

    /**
     * Stores a new version. It becomes visible (listed, latest) only once its bytes and metadata are both
     * written; on any failure nothing of it remains.
     */
    ModelDescriptor upload(ModelUpload upload);

    /**
     * The version an earlier upload with this Idempotency-Key stored, if it is latest or among the model's newest
     * versions (a client retries within minutes, not after many other uploads).
     */
    Optional<ModelDescriptor> uploadedWith(ModelRef model, String idempotencyKey);

    /** Names of the batches that have models, sorted. */
    List<String> batches();

    /** The models of a batch with their latest versions, sorted by metric and tag. */
    List<ModelSummary> models(String batch);

    /** A page of versions, newest first, starting after {@code cursor} (null for the first page). */
    VersionPage versions(ModelRef model, int limit, String cursor);

    ModelDescriptor latest(ModelRef model);

    ModelDescriptor version(ModelRef model, VersionId version);

    /**
     * A version's descriptor with the model object's live archive state (one request to the store), or without it
     * when the store could not tell.
     */
    ModelDescriptor describe(ModelRef model, VersionId version);

    /**
     * Starts restoring an archived version, or extends its restored copy to {@code days} from now.
     *
     * @throws InvalidRequestException when the version is not archived, or the tier is not offered for its archive
     */
    RestoreResult restore(ModelRef model, VersionId version, int days, RestoreTier tier);

    /**
     * Opens the stored bytes of a version described by {@link #latest} or {@link #version}, in its stored encoding.
     * This and the other open methods throw {@link ModelArchivedException} when the store keeps the bytes archived.
     */
    ModelContent open(ModelDescriptor version);

    /** Opens the original bytes of a version, decoding them when they are stored compressed. */
    ModelContent openOriginal(ModelDescriptor version);

    /**
     * Opens bytes {@code first} to {@code last} (inclusive) of a version stored as is ({@code identity}),
     * reading only those from the store.
     */
    ModelContent openRange(ModelDescriptor version, long first, long last);

    /**
     * Deletes a version; when it was the latest, the newest remaining version becomes latest.
     *
     * @throws VersionInUseException when an alias points to it
     */
    void deleteVersion(ModelRef model, VersionId version);

    /**
     * Rollback: makes an existing, possibly older, version latest until the next upload.
     *
     * @throws ModelArchivedException when the version is archived and not restored
     */
    ModelDescriptor pinLatest(ModelRef model, VersionId version);

    /**
     * How latest moved, newest first: the last {@value LatestChange#KEPT} times a version became latest, by upload,
     * rollback or deletion of the version before.
     */
    List<LatestChange> latestHistory(ModelRef model);

    /** The model's aliases and the versions they point to, sorted by alias. */
    Map<String, VersionId> aliases(ModelRef model);

    /** The version an alias points to. */
    ModelDescriptor alias(ModelRef model, String alias);

    /**
     * Points an alias, new or existing, at an existing version.
     *
     * @throws ModelArchivedException when the version is archived and not restored
     */
    ModelDescriptor setAlias(ModelRef model, String alias, VersionId version);

    void deleteAlias(ModelRef model, String alias);

    /** Applies a retention rule to a model: never to its latest or aliased versions. */
    PruneResult prune(ModelRef model, RetentionRule rule, boolean dryRun);

    /** Deletes every version of a model (not the other tags of its metric). */
    void deleteModel(ModelRef model);
}
