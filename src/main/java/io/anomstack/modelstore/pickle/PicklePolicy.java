package io.anomstack.modelstore.pickle;

import java.util.Locale;
import java.util.Objects;

/**
 * How one batch's model bodies are checked: the mode and the allow-list they are judged by.
 *
 * @param mode      {@code enforce}, {@code report} or {@code off}
 * @param allowList the globals the batch's pickles may import
 */
public record PicklePolicy(Mode mode, AllowList allowList) {

    /** The default: every pickle is scanned and refused unless it imports only default globals. */
    public static final PicklePolicy ENFORCE_DEFAULTS = new PicklePolicy(Mode.ENFORCE, AllowList.defaults());

    public PicklePolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(allowList, "allowList");
    }

    /** What happens to a pickle outside the allow-list. */
    public enum Mode {
        /** Refused with 422 {@code unsafe-pickle}, nothing stored; malformed pickles too. */
        ENFORCE,
        /** Stored, with the verdict in the descriptor (and a warning in the log). */
        REPORT,
        /** Not scanned: the verdict is {@code unchecked}. */
        OFF;

        /** The mode a setting names: {@code enforce}, {@code report} or {@code off}, in any case. */
        public static Mode parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not a pickle policy: write enforce, report or off", e);
            }
        }

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The policy of each batch. */
    @FunctionalInterface
    public interface PerBatch {
        PicklePolicy forBatch(String batch);
    }
}
