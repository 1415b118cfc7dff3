package io.anomstack.modelstore.bucket;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One step of the archive path of superseded model versions: they move to {@code storageClass} {@code days} after
 * they were uploaded (S3 counts lifecycle days from an object's creation, not from when it was tagged).
 *
 * @param storageClass the lifecycle transition target, as S3 spells it
 * @param days         days after upload, at least 1
 */
@Schema(description = "Superseded model versions move to this storage class this many days after upload")
public record LifecycleTransition(@JsonProperty("storage_class") @Schema(example = "STANDARD_IA") String storageClass,
                                  @Schema(example = "30") int days) {

    /** The classes a lifecycle rule can move objects to, in S3's waterfall order: only ever down this list. */
    static final List<String> WATERFALL = List.of("STANDARD_IA", "INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR",
            "GLACIER", "DEEP_ARCHIVE");
    /** S3 keeps objects at least 30 days in STANDARD before these, and 30 days in them before the next class. */
    private static final Set<String> INFREQUENT_ACCESS = Set.of("STANDARD_IA", "ONEZONE_IA");
    private static final int INFREQUENT_ACCESS_MIN_DAYS = 30;
    private static final String SETTING = "MODELSTORE_BUCKET_TRANSITIONS";

    /**
     * Parses {@code CLASS:DAYS} pairs separated by commas ({@code STANDARD_IA:30,GLACIER:90}); blank or {@code none}
     * for no transitions. Checks them against the rules S3 would otherwise reject the whole lifecycle configuration for.
     */
    public static List<LifecycleTransition> parse(String spec) {
        if (spec == null || spec.isBlank() || "none".equalsIgnoreCase(spec.trim())) {
            return List.of();
        }
        List<LifecycleTransition> steps = new ArrayList<>();
        for (String item : spec.split(",")) {
            steps.add(parseOne(item.trim()));
        }
        for (int i = 0; i < steps.size(); i++) {
            checkStep(steps.get(i), i == 0 ? null : steps.get(i - 1));
        }
        return List.copyOf(steps);
    }

    private static LifecycleTransition parseOne(String item) {
        int colon = item.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(SETTING + " entry '" + item + "' is not CLASS:DAYS, such as STANDARD_IA:30.");
        }
        String storageClass = item.substring(0, colon).trim().toUpperCase(Locale.ROOT);
        if (!WATERFALL.contains(storageClass)) {
            throw new IllegalArgumentException(SETTING + " entry '" + item + "': '" + storageClass + "' is not a lifecycle "
                    + "transition storage class; use one of " + String.join(", ", WATERFALL) + ".");
        }
        try {
            return new LifecycleTransition(storageClass, Integer.parseInt(item.substring(colon + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SETTING + " entry '" + item + "': the days after ':' must be a whole number.");
        }
    }

    private static void checkStep(LifecycleTransition step, LifecycleTransition previous) {
        if (step.days < 1) {
            throw new IllegalArgumentException(SETTING + ": " + step + " must be at least 1 day after upload.");
        }
        if (INFREQUENT_ACCESS.contains(step.storageClass) && step.days < INFREQUENT_ACCESS_MIN_DAYS) {
            throw new IllegalArgumentException(SETTING + ": S3 moves objects to " + step.storageClass + " after "
                    + INFREQUENT_ACCESS_MIN_DAYS + " days at the earliest, not " + step.days + ".");
        }
        if (previous == null) {
            return;
        }
        if (WATERFALL.indexOf(step.storageClass) <= WATERFALL.indexOf(previous.storageClass) || step.days <= previous.days) {
            throw new IllegalArgumentException(SETTING + ": each step must go to a colder class (in the order "
                    + String.join(", ", WATERFALL) + ") later than the one before; " + step + " follows " + previous + ".");
        }
        if (INFREQUENT_ACCESS.contains(previous.storageClass) && step.days - previous.days < INFREQUENT_ACCESS_MIN_DAYS) {
            throw new IllegalArgumentException(SETTING + ": S3 keeps objects at least " + INFREQUENT_ACCESS_MIN_DAYS
                    + " days in " + previous.storageClass + ", so " + step + " must come at least "
                    + INFREQUENT_ACCESS_MIN_DAYS + " days after " + previous + ".");
        }
    }

    @Override
    public String toString() {
        return storageClass + ":" + days;
    }
}
