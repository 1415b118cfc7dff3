package io.anomstack.modelstore.catalog;

import io.anomstack.modelstore.problem.ProblemType;

/** The model body is larger than {@code modelstore.max-model-size}; nothing was stored. */
public class ModelTooLargeException extends ModelStoreException {

    public ModelTooLargeException(long limitBytes) {
        super(ProblemType.MODEL_TOO_LARGE,
                "The model is larger than the limit of " + limitBytes + " bytes (modelstore.max-model-size); nothing was stored.");
    }
}
