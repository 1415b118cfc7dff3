package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.PickleCheck;
import io.anomstack.modelstore.catalog.UnsafePickleException;
import io.anomstack.modelstore.pickle.PicklePolicy;
import io.anomstack.modelstore.pickle.PickleReport;
import io.anomstack.modelstore.pickle.PickleScanner;
import io.anomstack.modelstore.pickle.PickleVerdict;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each batch's pickle policy to its uploads: a scanner for the body (none under {@code off}), and once the body
 * was read, before the version exists, the admission: under {@code enforce} an unsafe or malformed pickle is refused.
 */
final class PickleGate {

    private static final Logger log = LoggerFactory.getLogger(PickleGate.class);

    private final PicklePolicy.PerBatch policies;

    PickleGate(PicklePolicy.PerBatch policies) {
        this.policies = policies;
    }

    /** The scanner a body of this batch goes through, or {@code null} when the batch's policy is {@code off}. */
    @Nullable PickleScanner scannerFor(String batch) {
        PicklePolicy policy = policies.forBatch(batch);
        return policy.mode() == PicklePolicy.Mode.OFF ? null : new PickleScanner(policy.allowList());
    }

    /**
     * The scan's result as the descriptor records it.
     *
     * @throws UnsafePickleException when the batch enforces its allow-list and the pickle is unsafe or malformed
     */
    PickleCheck admit(ModelRef model, PickleReport report) {
        PickleCheck check = new PickleCheck(report.protocol(), report.globals(), report.verdict().token());
        boolean refusable = report.verdict() == PickleVerdict.UNSAFE || report.verdict() == PickleVerdict.MALFORMED;
        if (!refusable) {
            return check;
        }
        if (policies.forBatch(model.batch()).mode() == PicklePolicy.Mode.ENFORCE) {
            throw new UnsafePickleException(model, check, report.refused(), report.reason());
        }
        log.warn("Storing a {} pickle for {} (pickle policy report): {}", report.verdict().token(), model,
                report.refused().isEmpty() ? report.reason() : "imports " + String.join(", ", report.refused()));
        return check;
    }
}
