package io.anomstack.modelstore.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up stopped for lack of authentication: say how to configure it, not a stack trace. */
class InsecureConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InsecureConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InsecureConfigurationException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Configure API keys (MODELSTORE_SECURITY_APIKEYS_0_NAME, _0_SHA256, _0_ROLE; print a new key and its "
                        + "hash with 'java -jar anomstack-model-store.jar hash-key'), or set "
                        + "MODELSTORE_SECURITY_ALLOW_ANONYMOUS=true if a network boundary already protects the service.",
                cause);
    }
}
