package io.anomstack.modelstore.s3;

/** A conditional write lost: the object exists already, or changed since it was read. */
public final class PreconditionFailedException extends RuntimeException {

    public PreconditionFailedException(String key) {
        super("Precondition failed for " + key, null, false, false);
    }
}
