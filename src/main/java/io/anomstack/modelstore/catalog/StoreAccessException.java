package io.anomstack.modelstore.catalog;

import io.anomstack.modelstore.problem.ProblemType;

/**
 * The object store refused the service: access denied, a missing bucket, bad credentials or the wrong
 * region. Retrying does not help until the deployment is fixed; the message names bucket and region.
 */
public class StoreAccessException extends ModelStoreException {

    public StoreAccessException(String message, Throwable cause) {
        super(ProblemType.S3_ACCESS, message, cause);
    }
}
