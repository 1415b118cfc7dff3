package io.anomstack.modelstore.catalog;

import io.anomstack.modelstore.problem.ProblemException;
import io.anomstack.modelstore.problem.ProblemType;

/** Base of the domain's exceptions whose message is meant for the API's client; each names its {@link ProblemType}. */
public abstract class ModelStoreException extends ProblemException {

    protected ModelStoreException(ProblemType problemType, String message) {
        super(problemType, message);
    }

    protected ModelStoreException(ProblemType problemType, String message, Throwable cause) {
        super(problemType, message, cause);
    }

    /** A failure without a problem type of its own: answered as {@link ProblemType#INTERNAL_ERROR}. */
    protected ModelStoreException(String message) {
        super(ProblemType.INTERNAL_ERROR, message);
    }
}
