package io.anomstack.modelstore.catalog;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * Opaque cursors of version pages. A cursor names the last version of a page and carries an HMAC over it and the
 * model it belongs to, so an edited or made-up cursor, or one taken from another model's listing, is refused (400)
 * rather than interpreted.
 */
public final class PageCursors {

    private static final String SEPARATOR = "~";
    private static final int MAC_BYTES = 16;

    private final SecretKeySpec key;

    /** @param secret shared by every replica, so that a page listed by one continues on another */
    public PageCursors(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String encode(ModelRef model, VersionId last) {
        String payload = last.value() + SEPARATOR + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(model, last));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws InvalidRequestException for anything this service did not hand out for {@code model} */
    public VersionId decode(ModelRef model, String cursor) {
        try {
            String payload = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int separator = payload.indexOf(SEPARATOR);
            if (separator > 0) {
                VersionId last = VersionId.parse(payload.substring(0, separator));
                byte[] presented = Base64.getUrlDecoder().decode(payload.substring(separator + 1));
                if (MessageDigest.isEqual(presented, mac(model, last))) {
                    return last;
                }
            }
        } catch (IllegalArgumentException | InvalidNameException e) {
            // Not even the shape of a cursor: the same answer as a forged one.
        }
        throw new InvalidRequestException("The cursor is not one this service returned for this model; pass "
                + "next_cursor from the previous page of the same listing unchanged.");
    }

    private byte[] mac(ModelRef model, VersionId last) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            String subject = model.batch() + "/" + model.metric() + "/" + (model.tag() == null ? "" : model.tag()) + "/" + last.value();
            return Arrays.copyOf(mac.doFinal(subject.getBytes(StandardCharsets.UTF_8)), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every Java runtime has HmacSHA256", e);
        }
    }
}
