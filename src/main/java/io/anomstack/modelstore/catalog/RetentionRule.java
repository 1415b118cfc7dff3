package io.anomstack.modelstore.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;
import java.time.Instant;

/**
 * Which versions of a model to keep: the newest {@code keepLast}, and those younger than {@code maxAgeDays}.
 * A version is pruned only when no configured rule keeps it; with no rule at all every version is kept. The latest
 * version and aliased ones are never pruned, whatever the rule.
 *
 * @param keepLast   how many of the newest versions to keep, or {@code null}
 * @param maxAgeDays keep versions younger than this many days, or {@code null}
 */
public record RetentionRule(@JsonProperty("keep_last") Integer keepLast, @JsonProperty("max_age_days") Integer maxAgeDays) {

    public static final RetentionRule KEEP_ALL = new RetentionRule(null, null);

    public RetentionRule {
        if (keepLast != null && keepLast < 1) {
            throw new IllegalArgumentException("keep_last must be at least 1, or unset to keep any number of versions.");
        }
        if (maxAgeDays != null && maxAgeDays < 1) {
            throw new IllegalArgumentException("max_age_days must be at least 1, or unset to keep versions of any age.");
        }
    }

    public boolean keepsEverything() {
        return keepLast == null && maxAgeDays == null;
    }

    /**
     * @param newestFirstIndex 0 for the newest version, 1 for the one before, …
     */
    public boolean keeps(int newestFirstIndex, VersionId version, Instant now) {
        if (keepsEverything()) {
            return true;
        }
        boolean recentEnough = keepLast != null && newestFirstIndex < keepLast;
        boolean youngEnough = maxAgeDays != null
                && Duration.between(version.second(), now).compareTo(Duration.ofDays(maxAgeDays)) < 0;
        return recentEnough || youngEnough;
    }
}
