package io.anomstack.modelstore.storage;

/** A conditional write lost: the object exists already, or changed since it was read. */
final class PreconditionFailedException extends RuntimeException {

    PreconditionFailedException(String key) {
        super("Precondition failed for " + key, null, false, false);
    }
}
