package io.anomstack.modelstore.web.upload;

import io.anomstack.modelstore.catalog.InvalidRequestException;
import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.problem.ProblemException;
import io.anomstack.modelstore.problem.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Uploads sent with an {@code Idempotency-Key} (the IETF HTTPAPI draft's header): a client that lost the answer to an
 * upload (a connection cut after the version was stored) sends it again with the same key, and gets the version the
 * first attempt stored instead of a second one. The key is kept in the version's descriptor and looked for in the
 * model's latest and newest versions; while an upload with a key runs on this instance, another with the same key
 * waits its turn (409, retry).
 */
@Component
public class IdempotencyKeys {

    public static final String KEY_HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:+/=-]{1,128}");

    private final ModelCatalog catalog;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    IdempotencyKeys(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Claims the request's key for an upload of {@code model} on this instance, until {@link #release} gives it back.
     *
     * @return the key; none when the request has none, and nothing is claimed then
     * @throws InvalidRequestException      when the key is not 1 to 128 letters, digits or {@code . _ : + / = -}
     * @throws IdempotencyKeyInUseException when an upload with the key is running on this instance
     */
    @Nullable String claim(HttpServletRequest request, ModelRef model) {
        String key = keyOf(request);
        if (key != null && !running.add(claimOf(model, key))) {
            throw new IdempotencyKeyInUseException(key);
        }
        return key;
    }

    /**
     * The version an earlier upload with the claimed key stored, which the request is answered with instead of storing
     * a second one; empty without a key or when no upload with it stored a version.
     *
     * @throws IdempotencyKeyReusedException when the key stored a model with another digest than the request announces
     */
    Optional<ModelDescriptor> storedEarlier(HttpServletRequest request, ModelRef model, @Nullable String key) {
        if (key == null) {
            return Optional.empty();
        }
        Optional<ModelDescriptor> earlier = catalog.uploadedWith(model, key);
        if (earlier.isPresent()) {
            ModelDescriptor stored = earlier.get();
            String expectedSha256 = DigestHeaders.expectedSha256(request,
                    !JakartaServletFileUpload.isMultipartContent(request));
            if (expectedSha256 != null && !expectedSha256.equals(stored.sha256())) {
                throw new IdempotencyKeyReusedException(key, stored, expectedSha256);
            }
        }
        return earlier;
    }

    /** Gives back the key {@link #claim} claimed; nothing to do without one. */
    void release(ModelRef model, @Nullable String key) {
        if (key != null) {
            running.remove(claimOf(model, key));
        }
    }

    private static String claimOf(ModelRef model, String key) {
        return model + "\n" + key;
    }

    /** The request's key, bare or as the draft's quoted string; none without one. */
    private static @Nullable String keyOf(HttpServletRequest request) {
        String header = request.getHeader(KEY_HEADER);
        if (header == null) {
            return null;
        }
        String key = header.strip();
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1);
        }
        if (!KEY.matcher(key).matches()) {
            throw new InvalidRequestException(KEY_HEADER + " must be 1 to 128 letters, digits or . _ : + / = - (a UUID "
                    + "is a good key: a new one for each model you upload, the same one when you retry that upload).");
        }
        return key;
    }

    /** An upload with the same key is running on this instance: the client should retry once it has ended (409). */
    public static class IdempotencyKeyInUseException extends ProblemException {

        IdempotencyKeyInUseException(String key) {
            super(ProblemType.IDEMPOTENCY_KEY_IN_USE,
                    "An upload with " + KEY_HEADER + " " + key + " is still running; retry after the time in Retry-After "
                    + "and you get the version it stores. Nothing of this request was stored.");
        }

        @Override
        public Duration retryAfter() {
            return RETRY_SOON;
        }
    }

    /** The key already stored a model with another digest: a new model needs a new key (422). */
    public static class IdempotencyKeyReusedException extends ProblemException {

        IdempotencyKeyReusedException(String key, ModelDescriptor stored, String expectedSha256) {
            super(ProblemType.IDEMPOTENCY_KEY_REUSED,
                    KEY_HEADER + " " + key + " already stored version " + stored.version() + " with SHA-256 "
                    + stored.sha256() + ", but this request announces " + expectedSha256 + ". Use a new key for a new "
                    + "model; nothing of this request was stored.");
        }
    }
}
