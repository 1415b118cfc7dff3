package io.anomstack.modelstore.web.upload;

import io.anomstack.modelstore.catalog.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SHA-256 a client announces for its model: {@code Content-Digest: sha-256=:<base64>:} (RFC 9530, for a
 * raw body, where the body is the model) or {@code X-Model-Sha256: <hex>} (raw bodies and forms).
 */
final class DigestHeaders {

    static final String CONTENT_DIGEST = "Content-Digest";
    static final String MODEL_SHA256 = "X-Model-Sha256";

    private static final Pattern SHA256_MEMBER = Pattern.compile("(?:^|,)\\s*sha-256\\s*=\\s*:([A-Za-z0-9+/=]*):\\s*(?:;[^,]*)?(?=,|$)");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private DigestHeaders() {
    }

    /**
     * @param rawBody whether the request body is the model itself (not a form around it)
     * @return the announced SHA-256 in lower-case hex, or {@code null} when none was announced
     */
    static String expectedSha256(HttpServletRequest request, boolean rawBody) {
        String fromHex = fromHex(request.getHeader(MODEL_SHA256));
        String fromContentDigest = rawBody ? fromContentDigest(request.getHeader(CONTENT_DIGEST)) : null;
        if (fromHex != null && fromContentDigest != null && !fromHex.equals(fromContentDigest)) {
            throw new InvalidRequestException("Content-Digest and X-Model-Sha256 announce different SHA-256 digests; send one.");
        }
        return fromHex != null ? fromHex : fromContentDigest;
    }

    private static String fromHex(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        if (!HEX.matcher(header.trim()).matches()) {
            throw new InvalidRequestException(MODEL_SHA256 + " must be the model's SHA-256 as 64 hex digits.");
        }
        return header.trim().toLowerCase(Locale.ROOT);
    }

    private static String fromContentDigest(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        Matcher member = SHA256_MEMBER.matcher(header);
        if (!member.find()) {
            if (header.toLowerCase(Locale.ROOT).contains("sha-256")) {
                throw new InvalidRequestException("Content-Digest's sha-256 must be 32 bytes in base64 between colons, "
                        + "such as sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:.");
            }
            // Other algorithms only (sha-512…): nothing this service checks.
            return null;
        }
        byte[] digest;
        try {
            digest = Base64.getDecoder().decode(member.group(1));
        } catch (IllegalArgumentException e) {
            digest = new byte[0];
        }
        if (digest.length != 32) {
            throw new InvalidRequestException("Content-Digest's sha-256 must be 32 bytes in base64 between colons, "
                    + "such as sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:.");
        }
        return HexFormat.of().formatHex(digest);
    }
}
