package io.anomstack.modelstore.catalog;

import io.anomstack.modelstore.problem.ProblemType;

/** The model, the version, or the batch asked for does not exist. */
public class ModelNotFoundException extends ModelStoreException {

    public ModelNotFoundException(String message) {
        super(ProblemType.NOT_FOUND, message);
    }

    public static ModelNotFoundException model(ModelRef ref) {
        return new ModelNotFoundException("Model " + ref + " has no versions.");
    }

    public static ModelNotFoundException version(ModelRef ref, VersionId version) {
        return new ModelNotFoundException("Model " + ref + " has no version " + version + ".");
    }

    public static ModelNotFoundException alias(ModelRef ref, String alias) {
        return new ModelNotFoundException("Model " + ref + " has no alias '" + alias + "'.");
    }

    public static ModelNotFoundException batch(String batch) {
        return new ModelNotFoundException("Batch '" + batch + "' has no models.");
    }
}
