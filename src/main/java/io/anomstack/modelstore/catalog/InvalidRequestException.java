package io.anomstack.modelstore.catalog;

/** A request that cannot be served as sent: bad metadata, a missing file part, a bad cursor or limit. */
public class InvalidRequestException extends ModelStoreException {

    public InvalidRequestException(String message) {
        super(message);
    }

    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
