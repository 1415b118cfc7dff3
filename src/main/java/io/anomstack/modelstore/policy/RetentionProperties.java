package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.RetentionRule;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.scheduling.support.CronExpression;

/**
 * The service-wide retention, bound from {@code modelstore.retention.*} ({@code MODELSTORE_RETENTION_KEEP_LAST},
 * {@code MODELSTORE_RETENTION_MAX_AGE_DAYS}); a batch file's {@code retention} overrides it. Both unset (the
 * default): every version is kept.
 *
 * @param keepLast   newest versions kept per model, at least 1 ({@code MODELSTORE_RETENTION_KEEP_LAST}); unset keeps any
 *                   number of versions
 * @param maxAgeDays age in days after which versions are removed, at least 1 ({@code MODELSTORE_RETENTION_MAX_AGE_DAYS});
 *                   unset keeps versions of any age
 * @param schedule   when retention runs, a Spring cron expression in UTC ({@code MODELSTORE_RETENTION_SCHEDULE});
 *                   blank for the default (daily at 03:30, off in local mode), {@code -} for never
 */
@ConfigurationProperties("modelstore.retention")
public record RetentionProperties(@Nullable Integer keepLast, @Nullable Integer maxAgeDays, @Nullable String schedule) {

    static final String DAILY = "0 30 3 * * *";
    static final String OFF = "-";

    public RetentionProperties {
        if (schedule != null && !schedule.isBlank() && !OFF.equals(schedule.trim())
                && !CronExpression.isValidExpression(schedule.trim())) {
            throw new IllegalArgumentException("MODELSTORE_RETENTION_SCHEDULE '" + schedule + "' is not a cron expression "
                    + "such as '0 30 3 * * *' (seconds minutes hours day month weekday), or '-' for never.");
        }
        if (keepLast != null && keepLast < 1) {
            throw new IllegalArgumentException("MODELSTORE_RETENTION_KEEP_LAST must be at least 1, "
                    + "or unset to keep any number of versions.");
        }
        if (maxAgeDays != null && maxAgeDays < 1) {
            throw new IllegalArgumentException("MODELSTORE_RETENTION_MAX_AGE_DAYS must be at least 1, "
                    + "or unset to keep versions of any age.");
        }
    }

    /** The cron expression retention runs on, or {@link #OFF}. */
    String cron(boolean localMode) {
        if (schedule == null || schedule.isBlank()) {
            return localMode ? OFF : DAILY;
        }
        return schedule.trim();
    }

    public RetentionRule toRetention() {
        return new RetentionRule(keepLast, maxAgeDays);
    }
}
