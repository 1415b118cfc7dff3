package io.anomstack.modelstore.web.upload;

/** Every upload slot of this instance is taken: the client should retry shortly (429). */
public class TooManyUploadsException extends RuntimeException {

    TooManyUploadsException(int limit) {
        super("This instance is already receiving " + limit + " uploads, its limit (MODELSTORE_MAX_CONCURRENT_UPLOADS). "
                + "Retry after the time in Retry-After; nothing was stored.");
    }
}
