package io.anomstack.modelstore.catalog;

import io.anomstack.modelstore.problem.ProblemType;

/**
 * The version's model object is archived (GLACIER, DEEP_ARCHIVE, an Intelligent-Tiering archive tier) and has no
 * restored copy: S3 serves its bytes only after a restore.
 */
public class ModelArchivedException extends ModelStoreException {

    private final ModelRef model;
    private final VersionId version;
    private final ArchiveState state;

    public ModelArchivedException(ModelRef model, VersionId version, ArchiveState state) {
        super(ProblemType.MODEL_ARCHIVED,
                "Version " + version + " of model " + model + " is archived in " + state.describe()
                + " and cannot be read until it is restored." + (state.restore() == ArchiveState.RestoreStatus.IN_PROGRESS
                ? " A restore is in progress: retry once it has finished." : ""));
        this.model = model;
        this.version = version;
        this.state = state;
    }

    public ModelRef model() {
        return model;
    }

    public VersionId version() {
        return version;
    }

    public ArchiveState state() {
        return state;
    }
}
