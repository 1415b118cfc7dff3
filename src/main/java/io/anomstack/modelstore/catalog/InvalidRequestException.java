package io.anomstack.modelstore.catalog;

import io.anomstack.modelstore.problem.ProblemType;

/** A request that cannot be served as sent: bad metadata, a missing file part, a bad cursor or limit. */
public class InvalidRequestException extends ModelStoreException {

    public InvalidRequestException(String message) {
        super(ProblemType.INVALID_REQUEST, message);
    }

    public InvalidRequestException(String message, Throwable cause) {
        super(ProblemType.INVALID_REQUEST, message, cause);
    }
}
