package io.anomstack.modelstore.api;

/** A {@code Range} that starts past the end of the model. */
class RangeNotSatisfiableException extends RuntimeException {

    private final long size;

    RangeNotSatisfiableException(long size) {
        super("The requested range starts past the end of the model, which has " + size + " bytes.");
        this.size = size;
    }

    long size() {
        return size;
    }
}
