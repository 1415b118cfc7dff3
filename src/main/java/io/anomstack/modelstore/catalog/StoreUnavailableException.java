package io.anomstack.modelstore.catalog;

/** The object store could not be reached or is overloaded right now; the same request may succeed later. */
public class StoreUnavailableException extends ModelStoreException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
