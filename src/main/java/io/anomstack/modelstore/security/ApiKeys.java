package io.anomstack.modelstore.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The configured API keys, found by the SHA-256 of the presented secret. Looking up a hash leaks nothing an attacker
 * can use: they do not choose the hash, so timing tells them nothing about a configured key.
 */
final class ApiKeys {

    private final Map<String, Caller> callersByHash;

    ApiKeys(SecurityProperties properties) {
        this.callersByHash = properties.apiKeys().stream()
                .collect(Collectors.toUnmodifiableMap(SecurityProperties.ApiKey::sha256, SecurityProperties.ApiKey::caller));
    }

    boolean isEmpty() {
        return callersByHash.isEmpty();
    }

    Optional<Caller> find(String secret) {
        return Optional.ofNullable(callersByHash.get(sha256Hex(secret)));
    }

    static String sha256Hex(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
