package io.anomstack.modelstore.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;

/**
 * Service-wide settings, bound from {@code modelstore.*}.
 *
 * @param maxModelSize largest model body accepted; larger uploads get 413 and leave nothing behind (default 5GB)
 * @param dataDir      where local mode's embedded S3 server keeps its files ({@code MODELSTORE_DATA_DIR}, default {@code ./data})
 * @param cursorSecret key of the HMAC that makes version-page cursors tamper-proof ({@code MODELSTORE_CURSOR_SECRET});
 *                     unset, one derived from the bucket and prefix is used, the same on every replica but not secret
 */
@ConfigurationProperties("modelstore")
public record ModelStoreProperties(
        @DefaultValue("5GB") DataSize maxModelSize,
        @DefaultValue("./data") String dataDir,
        @DefaultValue("") String cursorSecret) {

    public ModelStoreProperties {
        if (maxModelSize.toBytes() <= 0) {
            throw new IllegalArgumentException("modelstore.max-model-size must be positive.");
        }
    }

    /**
     * The data directory as a path. It is bound as a string on purpose: Spring Cloud AWS's s3:// resource
     * resolver takes part in String-to-Path conversion and would need the S3 client this directory configures.
     */
    public Path dataPath() {
        return Path.of(dataDir);
    }
}
