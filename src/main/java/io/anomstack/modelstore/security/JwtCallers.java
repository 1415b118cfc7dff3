package io.anomstack.modelstore.security;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns a validated JWT into a {@link Caller}: its subject (or client id) as the name, the highest of its
 * {@code models:*} scopes as the role, and its batch claim as the batch patterns (every batch when absent).
 */
final class JwtCallers implements Converter<Jwt, AbstractAuthenticationToken> {

    private static final Map<String, Role> SCOPES = Map.of(
            "models:read", Role.READER, "models:write", Role.WRITER, "models:admin", Role.ADMIN);

    private final String batchClaim;

    JwtCallers(String batchClaim) {
        this.batchClaim = batchClaim;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Role role = scopes(jwt).stream().map(SCOPES::get).filter(r -> r != null).max(Role::compareTo).orElse(null);
        List<String> batches = jwt.hasClaim(batchClaim) ? values(jwt.getClaim(batchClaim)) : List.of("*");
        String name = jwt.getSubject() != null ? jwt.getSubject() : String.valueOf(jwt.getClaims().getOrDefault("client_id", "jwt"));
        return new CallerAuthentication(new Caller("jwt:" + name, role, batches));
    }

    private static List<String> scopes(Jwt jwt) {
        Object scopes = jwt.getClaims().containsKey("scope") ? jwt.getClaim("scope") : jwt.getClaim("scp");
        return values(scopes);
    }

    /** A claim given as one space- or comma-separated string, or as a list. */
    private static List<String> values(Object claim) {
        if (claim instanceof Collection<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        if (claim instanceof String text) {
            return Arrays.stream(text.split("[\\s,]+")).filter(value -> !value.isEmpty()).toList();
        }
        return List.of();
    }
}
