package io.anomstack.modelstore.policy;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * The batch policy files cannot be used. The message lists every problem found, one sentence per line, each
 * naming its file (and line, where there is one), so that all of them can be fixed before the next start.
 */
public class InvalidBatchPoliciesException extends IllegalStateException {

    private final List<String> problems;

    /** With a {@code null} summary, a single problem is the whole message. */
    InvalidBatchPoliciesException(@Nullable String summary, List<String> problems) {
        super(problems.size() == 1 && summary == null ? problems.get(0)
                : summary + "\n" + String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one sentence each. */
    public List<String> problems() {
        return problems;
    }
}
