package io.anomstack.modelstore.catalog;

import io.anomstack.modelstore.problem.ProblemType;

/**
 * Another writer claimed the same version id at the same moment (only possible with several service
 * instances uploading one model in the same second). Nothing of this upload was kept; retrying succeeds.
 */
public class VersionConflictException extends ModelStoreException {

    public VersionConflictException(ModelRef ref, VersionId version) {
        super(ProblemType.VERSION_CONFLICT,
                "Version " + version + " of model " + ref + " was created concurrently by another writer; "
                + "nothing of this upload was kept, retry it.");
    }
}
