package io.anomstack.modelstore.catalog;

/** Base of the exceptions whose message is meant for the API's client. */
public abstract class ModelStoreException extends RuntimeException {

    protected ModelStoreException(String message) {
        super(message);
    }

    protected ModelStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
