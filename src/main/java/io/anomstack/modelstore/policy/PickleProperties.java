package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.pickle.AllowList;
import io.anomstack.modelstore.pickle.PicklePolicy;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;

/**
 * The service-wide pickle check of model uploads, bound from {@code modelstore.pickle.*}; a batch file's
 * {@code model_store_params.pickle} overrides it (docs/model-safety.md).
 *
 * @param policy {@code enforce} (the default: unsafe or malformed pickles are refused), {@code report} (stored, the
 *               verdict recorded) or {@code off} (not scanned) ({@code MODELSTORE_PICKLE_POLICY})
 * @param allow  globals allowed on top of the default allow-list, comma-separated: {@code module.name},
 *               {@code module:dotted.name} or {@code module.*} for a module's classes ({@code MODELSTORE_PICKLE_ALLOW});
 *               names that can run code are refused at start-up
 */
@ConfigurationProperties("modelstore.pickle")
public record PickleProperties(@Nullable String policy, @Nullable List<String> allow) {

    public PickleProperties {
        allow = allow == null ? List.of() : allow.stream().map(String::trim).filter(entry -> !entry.isEmpty()).toList();
        try {
            toPolicy(policy, allow);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MODELSTORE_PICKLE_POLICY / MODELSTORE_PICKLE_ALLOW: " + e.getMessage(), e);
        }
    }

    /** The policy of every batch whose file says nothing of pickles. */
    public PicklePolicy toPolicy() {
        return toPolicy(policy, allow);
    }

    private static PicklePolicy toPolicy(@Nullable String policy, List<String> allow) {
        PicklePolicy.Mode mode = policy == null || policy.isBlank() ? PicklePolicy.Mode.ENFORCE : PicklePolicy.Mode.parse(policy);
        return new PicklePolicy(mode, allow.isEmpty() ? AllowList.defaults() : AllowList.defaults().with(allow));
    }
}
