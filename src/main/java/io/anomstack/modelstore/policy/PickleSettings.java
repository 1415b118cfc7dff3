package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.pickle.PicklePolicy;
import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * What a batch file's {@code model_store_params.pickle} sets.
 *
 * @param mode  the batch's mode; {@code null}: the service's
 * @param allow globals the batch's pickles may import on top of the service's allow-list
 */
public record PickleSettings(PicklePolicy.@Nullable Mode mode, List<String> allow) {

    public PickleSettings {
        allow = List.copyOf(allow);
    }

    /** These settings over the service's policy. */
    public PicklePolicy over(PicklePolicy service) {
        return new PicklePolicy(mode == null ? service.mode() : mode,
                allow.isEmpty() ? service.allowList() : service.allowList().with(allow));
    }
}
