package io.anomstack.modelstore.policy;

/**
 * How many versions of each model of a batch are kept. Either limit may be unset ({@code null}); with both unset
 * every version is kept.
 *
 * @param keepLast   keep at most this many newest versions of each model (at least 1), or {@code null} for no count limit
 * @param maxAgeDays remove versions older than this many days (at least 1), or {@code null} for no age limit
 */
public record Retention(Integer keepLast, Integer maxAgeDays) {

    /** No limit at all: every version is kept. */
    public static final Retention KEEP_EVERYTHING = new Retention(null, null);

    public Retention {
        if (keepLast != null && keepLast < 1) {
            throw new IllegalArgumentException("keep_last must be at least 1, or unset to keep any number of versions.");
        }
        if (maxAgeDays != null && maxAgeDays < 1) {
            throw new IllegalArgumentException("max_age_days must be at least 1, or unset to keep versions of any age.");
        }
    }

    /** Whether no limit is set, so that nothing is ever removed. */
    public boolean keepsEverything() {
        return keepLast == null && maxAgeDays == null;
    }
}
