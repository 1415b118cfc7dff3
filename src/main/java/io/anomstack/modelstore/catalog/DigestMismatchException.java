package io.anomstack.modelstore.catalog;

import io.anomstack.modelstore.problem.ProblemType;

/** The model's bytes do not have the SHA-256 the client announced; nothing was stored. */
public class DigestMismatchException extends ModelStoreException {

    public DigestMismatchException(String expected, String actual) {
        super(ProblemType.DIGEST_MISMATCH, "The model's SHA-256 is " + actual + " but the request announced " + expected
                + "; the body was corrupted or truncated on the way, and nothing was stored. Upload it again.");
    }
}
