package io.anomstack.modelstore.security;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

import java.util.function.Supplier;

/**
 * Lets a request through when its caller has at least {@code role} and, for a request under a batch ({@code {batch}}
 * in the matched path), may touch that batch. A denial says why, for the 403 problem.
 */
final class CallerAuthorization implements AuthorizationManager<RequestAuthorizationContext> {

    private final Role role;
    private final String action;

    /** @param action what the role allows, for the denial's wording ("upload models") */
    CallerAuthorization(Role role, String action) {
        this.role = role;
        this.action = action;
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
        if (!(authentication.get() instanceof CallerAuthentication authenticated)) {
            return new AuthorizationDecision(false);
        }
        Caller caller = authenticated.getPrincipal();
        if (caller.role() == null) {
            return new Denial("its token has none of the scopes models:read, models:write or models:admin.");
        }
        if (caller.role().compareTo(role) < 0) {
            return new Denial("to " + action + " takes the " + role.label() + " role.");
        }
        String batch = context.getVariables().get("batch");
        if (batch != null && !caller.mayTouch(batch)) {
            return new Denial("its batch patterns " + caller.batches() + " do not include batch '" + batch + "'.");
        }
        return new AuthorizationDecision(true);
    }

    /** A refusal with its reason. */
    static final class Denial extends AuthorizationDecision {

        private final String reason;

        Denial(String reason) {
            super(false);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }
}
