package io.anomstack.modelstore.policy;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up stopped by the batch policy files: print the problems, not a stack trace. */
class InvalidBatchPoliciesFailureAnalyzer extends AbstractFailureAnalyzer<InvalidBatchPoliciesException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidBatchPoliciesException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Fix the batch YAML files (or MODELSTORE_BATCHES_DIR) as described above and start the service again.", cause);
    }
}
