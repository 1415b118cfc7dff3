package io.anomstack.modelstore.catalog;

import io.anomstack.modelstore.problem.ProblemType;

import java.util.List;

/**
 * The batch's policy enforces the allow-list and the model body is a pickle that imports something outside it, or does
 * not parse to its end; nothing was stored.
 */
public class UnsafePickleException extends ModelStoreException {

    private final PickleCheck check;
    private final List<String> refused;

    /**
     * @param refused the globals outside the allow-list
     * @param reason  why the pickle is malformed, or {@code null}
     */
    public UnsafePickleException(ModelRef model, PickleCheck check, List<String> refused, String reason) {
        super(ProblemType.UNSAFE_PICKLE, message(model, check, refused, reason));
        this.check = check;
        this.refused = List.copyOf(refused);
    }

    public PickleCheck check() {
        return check;
    }

    /** The globals outside the batch's allow-list. */
    public List<String> refused() {
        return refused;
    }

    private static String message(ModelRef model, PickleCheck check, List<String> refused, String reason) {
        String allow = " If the model really needs it, allow it for this batch in its policy file "
                + "(model_store_params.pickle.allow) or for the service (MODELSTORE_PICKLE_ALLOW); names that can run code "
                + "(os.*, subprocess.*, builtins.eval, ...) cannot be allowed. Nothing was stored (docs/model-safety.md).";
        if (!refused.isEmpty()) {
            return "The model of " + model + " is a pickle that imports " + String.join(", ", refused)
                    + ", outside the batch's allow-list: unpickling it could run code on every scorer." + allow;
        }
        return "The model of " + model + " starts as a pickle (importing " + String.join(", ", check.globals())
                + ") but does not parse to its end: " + reason + ". A pickle the store cannot read to its end could run "
                + "anything on a scorer, so it is refused; upload the whole, unmodified file. Nothing was stored.";
    }
}
