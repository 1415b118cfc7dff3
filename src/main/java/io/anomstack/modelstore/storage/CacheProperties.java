package io.anomstack.modelstore.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * The in-memory cache in front of S3, bound from {@code modelstore.cache.*}.
 *
 * @param enabled        whether reads are cached at all (default true)
 * @param latestTtl      how long a latest pointer is trusted: a version uploaded through another replica becomes
 *                       latest here within this time (default 5s); this replica's own uploads and deletes apply at once
 * @param ttl            how long small models and metadata documents stay cached; they never change, so this only
 *                       bounds how long a version deleted through another replica can still be read here (default 10m)
 * @param maxSize        memory for cached models and documents (default 64MB)
 * @param maxModelSize   models stored larger than this are always streamed from S3 (default 1MB)
 */
@ConfigurationProperties("modelstore.cache")
public record CacheProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5s") Duration latestTtl,
        @DefaultValue("10m") Duration ttl,
        @DefaultValue("64MB") DataSize maxSize,
        @DefaultValue("1MB") DataSize maxModelSize) {

    public CacheProperties {
        if (latestTtl.isNegative() || ttl.isNegative()) {
            throw new IllegalArgumentException("modelstore.cache TTLs must not be negative.");
        }
        if (maxModelSize.toBytes() > maxSize.toBytes()) {
            throw new IllegalArgumentException("modelstore.cache.max-model-size must not exceed modelstore.cache.max-size.");
        }
    }
}
