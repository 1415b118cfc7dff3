package io.anomstack.modelstore.s3;

import io.anomstack.modelstore.catalog.StoreAccessException;

/**
 * S3 refused to read an object because it is archived (403 InvalidObjectState). The catalog turns this into a
 * {@link io.anomstack.modelstore.catalog.ModelArchivedException} for model objects; anywhere else (a metadata
 * document or pointer that a lifecycle rule archived) it stays an access problem of the deployment.
 */
public final class ObjectArchivedException extends StoreAccessException {

    private final String storageClass;
    private final String accessTier;

    ObjectArchivedException(String message, String storageClass, String accessTier, Throwable cause) {
        super(message, cause);
        this.storageClass = storageClass;
        this.accessTier = accessTier;
    }

    /** The storage class S3 named in its answer, or null. */
    public String storageClass() {
        return storageClass;
    }

    /** The Intelligent-Tiering archive tier S3 named in its answer, or null. */
    public String accessTier() {
        return accessTier;
    }
}
