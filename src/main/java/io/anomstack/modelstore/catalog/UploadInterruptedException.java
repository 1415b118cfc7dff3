package io.anomstack.modelstore.catalog;

import io.anomstack.modelstore.problem.ProblemType;

/** The client stopped sending the model before its end; the partial upload was discarded. */
public class UploadInterruptedException extends ModelStoreException {

    public UploadInterruptedException(String message, Throwable cause) {
        super(ProblemType.UPLOAD_INTERRUPTED, message, cause);
    }
}
