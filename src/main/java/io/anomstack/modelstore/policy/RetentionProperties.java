package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.RetentionRule;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The service-wide retention, bound from {@code modelstore.retention.*} ({@code MODELSTORE_RETENTION_KEEP_LAST},
 * {@code MODELSTORE_RETENTION_MAX_AGE_DAYS}); a batch file's {@code retention} overrides it. Both unset (the
 * default): every version is kept.
 *
 * @param keepLast   newest versions kept per model, at least 1
 * @param maxAgeDays age in days after which versions are removed, at least 1
 */
@ConfigurationProperties("modelstore.retention")
public record RetentionProperties(Integer keepLast, Integer maxAgeDays) {

    public RetentionProperties {
        if (keepLast != null && keepLast < 1) {
            throw new IllegalArgumentException("MODELSTORE_RETENTION_KEEP_LAST must be at least 1, "
                    + "or unset to keep any number of versions.");
        }
        if (maxAgeDays != null && maxAgeDays < 1) {
            throw new IllegalArgumentException("MODELSTORE_RETENTION_MAX_AGE_DAYS must be at least 1, "
                    + "or unset to keep versions of any age.");
        }
    }

    public RetentionRule toRetention() {
        return new RetentionRule(keepLast, maxAgeDays);
    }
}
