package io.anomstack.modelstore.api;

/** Every upload slot of this instance is taken: the client should retry shortly (429). */
class TooManyUploadsException extends RuntimeException {

    TooManyUploadsException(int limit) {
        super("This instance is already receiving " + limit + " uploads, its limit (MODELSTORE_MAX_CONCURRENT_UPLOADS). "
                + "Retry after the time in Retry-After; nothing was stored.");
    }
}
