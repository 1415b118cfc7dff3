package io.anomstack.modelstore.problem;

import org.jspecify.annotations.Nullable;

import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every problem the service answers with, in one place: its slug (from which the problem detail's {@code type} URN is
 * derived), its HTTP status, its title, and the {@code cause} tag it counts under in the {@code modelstore.errors}
 * meter. Whoever writes an error answer takes these from here; nothing else spells a URN, a title or a cause.
 */
public enum ProblemType {

    INVALID_NAME("invalid-name", 400, "Invalid name", "validation"),
    INVALID_REQUEST("invalid-request", 400, "Invalid request", "validation"),
    /** A request the firewall, the container or the error page rejects before any controller reads it. */
    MALFORMED_REQUEST("malformed-request", 400, "Malformed request", "validation"),
    UPLOAD_INTERRUPTED("upload-interrupted", 400, "Upload interrupted", "client_abort"),
    UNAUTHENTICATED("unauthenticated", 401, "Authentication required", "auth"),
    FORBIDDEN("forbidden", 403, "Forbidden", "auth"),
    NOT_FOUND("not-found", 404, "Not found", "not_found"),
    VERSION_CONFLICT("version-conflict", 409, "Version conflict", "conflict"),
    VERSION_IN_USE("version-in-use", 409, "Version in use", "conflict"),
    MODEL_ARCHIVED("model-archived", 409, "Model archived", "archived"),
    BUCKET_MANAGEMENT_DISABLED("bucket-management-disabled", 409, "Bucket management disabled", "conflict"),
    IDEMPOTENCY_KEY_IN_USE("idempotency-key-in-use", 409, "Idempotency-Key in use", "conflict"),
    MODEL_TOO_LARGE("model-too-large", 413, "Model too large", "too_large"),
    RANGE_NOT_SATISFIABLE("range-not-satisfiable", 416, "Range not satisfiable", "validation"),
    DIGEST_MISMATCH("digest-mismatch", 422, "Digest mismatch", "digest_mismatch"),
    /** A model pickle that imports a global outside the batch's allow-list, or does not parse to its end. */
    UNSAFE_PICKLE("unsafe-pickle", 422, "Unsafe pickle", "unsafe_pickle"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", 422, "Idempotency-Key reused", "validation"),
    TOO_MANY_UPLOADS("too-many-uploads", 429, "Too many uploads", "too_many_uploads"),
    INTERNAL_ERROR("internal-error", 500, "Internal error", "internal"),
    S3_ACCESS("s3-access", 502, "S3 refused the service", "s3_access_denied"),
    S3_UNAVAILABLE("s3-unavailable", 503, "S3 unavailable", "s3_unavailable"),
    SHUTTING_DOWN("shutting-down", 503, "Service shutting down", "shutdown");

    /** What every problem type URN starts with; the slug follows. */
    public static final String URI_PREFIX = "urn:anomstack:model-store:problem:";

    /**
     * The request attribute under which whoever answers a request with a problem puts its {@link ProblemType}, so that
     * the error meter counts the answer under the type's {@link #errorCause()}.
     */
    public static final String REQUEST_ATTRIBUTE = ProblemType.class.getName();

    private static final Map<URI, ProblemType> BY_URI = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ProblemType::uri, Function.identity()));

    private final String slug;
    private final int status;
    private final String title;
    private final String errorCause;
    private final URI uri;

    ProblemType(String slug, int status, String title, String errorCause) {
        this.slug = slug;
        this.status = status;
        this.title = title;
        this.errorCause = errorCause;
        this.uri = URI.create(URI_PREFIX + slug);
    }

    /** The last part of the type URN, such as {@code not-found}. */
    public String slug() {
        return slug;
    }

    /** The HTTP status this problem is answered with (the container's own status wins for malformed requests). */
    public int status() {
        return status;
    }

    /** The problem detail's {@code title}: the same for every answer of this type. */
    public String title() {
        return title;
    }

    /** The problem detail's {@code type}: {@value #URI_PREFIX} followed by the slug. */
    public URI uri() {
        return uri;
    }

    /** The {@code cause} tag of {@code modelstore.errors}: a few groups worth an alarm, not one per type. */
    public String errorCause() {
        return errorCause;
    }

    /** Whether the service, not the client, is at fault (5xx). */
    public boolean isServerError() {
        return status >= 500;
    }

    /** The type a problem detail's {@code type} names, or none for anything else ({@code about:blank}, Spring's own). */
    public static @Nullable ProblemType ofUri(@Nullable URI uri) {
        return uri == null ? null : BY_URI.get(uri);
    }
}
