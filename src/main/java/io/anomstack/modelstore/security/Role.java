package io.anomstack.modelstore.security;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What a caller may do, each role including the ones before it. */
public enum Role {

    /** Download, list, read metadata and policies. */
    READER,
    /** A reader that may also upload new versions. */
    WRITER,
    /** Everything: delete, rollback, aliases, prune, bucket management, the actuator. */
    ADMIN;

    /** {@code reader}, {@code writer} or {@code admin}, any case. */
    public static Role parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("'" + value + "' is not a role; use reader, writer or admin.");
        }
    }

    /** The Spring Security authorities of this role: its own and those of every role it includes. */
    List<GrantedAuthority> authorities() {
        return Arrays.stream(values()).filter(role -> role.ordinal() <= ordinal())
                .map(role -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + role.name()))
                .toList();
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
