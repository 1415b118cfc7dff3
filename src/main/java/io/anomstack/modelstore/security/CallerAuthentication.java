package io.anomstack.modelstore.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;

import java.util.List;

/** An authenticated {@link Caller}: the principal Spring Security authorises requests for. */
final class CallerAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;

    CallerAuthentication(Caller caller) {
        super(caller.role() == null ? List.of() : caller.role().authorities());
        this.caller = caller;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Caller getPrincipal() {
        return caller;
    }

    @Override
    public String getName() {
        return caller.name();
    }
}
