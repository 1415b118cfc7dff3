package io.anomstack.modelstore.security;

import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Who is calling: a configured API key (by its name, never its secret) or an anonymous caller where that is allowed.
 *
 * @param name    the key's name, for logs and error messages
 * @param role    what it may do; {@code null} for a token that carries none of the service's scopes
 * @param batches glob patterns ({@code *}, {@code ?}) of the batches it may touch
 */
public record Caller(String name, @Nullable Role role, List<String> batches) {

    /** The request attribute holding the authenticated caller, for the audit and request logs. */
    public static final String REQUEST_ATTRIBUTE = "io.anomstack.modelstore.security.ApiKeyAuthenticationFilter.caller";

    static final String ANONYMOUS = "anonymous";

    public Caller {
        batches = List.copyOf(batches);
    }

    /** Full access without credentials: local mode on loopback, or {@code allow-anonymous}. */
    static Caller anonymous() {
        return new Caller(ANONYMOUS, Role.ADMIN, List.of("*"));
    }

    String roleLabel() {
        return role == null ? "none" : role.label();
    }

    /** Whether this caller's batch patterns cover {@code batch}. */
    public boolean mayTouch(String batch) {
        return batches.stream().anyMatch(glob -> globPattern(glob).matcher(batch).matches());
    }

    private static Pattern globPattern(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
