package io.anomstack.modelstore.web.problem;

import io.anomstack.modelstore.web.upload.IdempotencyKeys;
import io.anomstack.modelstore.web.download.RangeNotSatisfiableException;
import io.anomstack.modelstore.web.upload.ShuttingDownException;
import io.anomstack.modelstore.web.upload.TooManyUploadsException;
import io.anomstack.modelstore.bucket.BucketManagementDisabledException;
import io.anomstack.modelstore.catalog.ArchiveState;
import io.anomstack.modelstore.catalog.DigestMismatchException;
import io.anomstack.modelstore.catalog.InvalidNameException;
import io.anomstack.modelstore.catalog.InvalidRequestException;
import io.anomstack.modelstore.catalog.ModelArchivedException;
import io.anomstack.modelstore.catalog.ModelNotFoundException;
import io.anomstack.modelstore.catalog.ModelStoreException;
import io.anomstack.modelstore.catalog.ModelTooLargeException;
import io.anomstack.modelstore.catalog.RestoreTier;
import io.anomstack.modelstore.catalog.StoreAccessException;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import io.anomstack.modelstore.catalog.UploadInterruptedException;
import io.anomstack.modelstore.catalog.VersionConflictException;
import io.anomstack.modelstore.catalog.VersionInUseException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.util.UriComponentsBuilder;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every error as an RFC 9457 problem detail: what was wrong and what to do, never a stack trace.
 * Spring MVC's own errors (unknown route, wrong method, bad parameter) come through the base class.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    /** Seconds a client should wait before retrying when too many uploads are running. */
    static final String RETRY_AFTER_SECONDS = "5";

    @ExceptionHandler(ModelStoreException.class)
    ResponseEntity<ProblemDetail> modelStoreError(ModelStoreException e, HttpServletRequest request,
                                                  HttpServletResponse servletResponse) {
        if (servletResponse.isCommitted()) {
            // A bundle reached an archived or unreadable model after its first bytes were out: as in unexpected(), the
            // connection closing short is the only signal left.
            log.warn("{} {} ended early: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            throw e;
        }
        Problem problem = Problem.of(e);
        if (problem.status().is5xxServerError()) {
            log.warn("{} {} failed: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        }
        ResponseEntity.BodyBuilder response = ResponseEntity.status(problem.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (e instanceof StoreUnavailableException unavailable) {
            // What the breaker's remaining cool-down or the default says.
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(unavailable.retryAfterSeconds()));
        }
        if (e instanceof ModelArchivedException archived) {
            return response.body(archivedProblem(problem, archived, request));
        }
        return response.body(problem.detail(e.getMessage(), request));
    }

    /** Says how to get the version back: the restore request to send, and how long each tier takes for its archive. */
    private static ProblemDetail archivedProblem(Problem problem, ModelArchivedException e, HttpServletRequest request) {
        ArchiveState state = e.state();
        UriComponentsBuilder version = UriComponentsBuilder.fromPath("/api/v1/models/{batch}/{metric}/versions/{version}");
        if (e.model().tag() != null) {
            version.queryParam("tag", e.model().tag());
        }
        Map<String, String> uri = Map.of("batch", e.model().batch(), "metric", e.model().metric(), "version", e.version().value());
        String restoreUrl = version.cloneBuilder().path("/restore").buildAndExpand(uri).toUriString();
        String metadataUrl = version.cloneBuilder().path("/metadata").buildAndExpand(uri).toUriString();
        Map<String, String> tiers = new LinkedHashMap<>();
        RestoreTier.availableTiers(state).forEach(tier -> tiers.put(tier.token(), tier.typicalDuration(state)));
        String message = e.getMessage();
        if (state.restore() != ArchiveState.RestoreStatus.IN_PROGRESS) {
            String example = restoreUrl + (restoreUrl.contains("?") ? "&" : "?")
                    + (state.restoresInPlace() ? "" : "days=7&") + "tier=Standard";
            message += " Restore it with POST " + example + " (typical times: " + String.join(", ",
                    tiers.entrySet().stream().map(tier -> tier.getKey() + " " + tier.getValue()).toList())
                    + "), then download it again once GET " + metadataUrl + " shows archive.readable true.";
        } else {
            message += " GET " + metadataUrl + " shows its progress.";
        }
        ProblemDetail detail = problem.detail(message, request);
        detail.setProperty("storage_class", state.storageClass());
        if (state.accessTier() != null) {
            detail.setProperty("access_tier", state.accessTier());
        }
        if (state.restore() != null) {
            detail.setProperty("restore", state.restore().token());
        }
        detail.setProperty("restore_url", restoreUrl);
        detail.setProperty("restore_tiers", tiers);
        return detail;
    }

    @ExceptionHandler(RangeNotSatisfiableException.class)
    ResponseEntity<ProblemDetail> rangeNotSatisfiable(RangeNotSatisfiableException e, HttpServletRequest request) {
        ProblemDetail detail = new Problem(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "range-not-satisfiable",
                "Range not satisfiable").detail(e.getMessage(), request);
        return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.CONTENT_RANGE, "bytes */" + e.size())
                .body(detail);
    }

    @ExceptionHandler(TooManyUploadsException.class)
    ResponseEntity<ProblemDetail> tooManyUploads(TooManyUploadsException e, HttpServletRequest request) {
        Problem problem = new Problem(HttpStatus.TOO_MANY_REQUESTS, "too-many-uploads", "Too many uploads");
        return retryLater(problem.status()).body(problem.detail(e.getMessage(), request));
    }

    @ExceptionHandler(IdempotencyKeys.IdempotencyKeyInUseException.class)
    ResponseEntity<ProblemDetail> idempotencyKeyInUse(IdempotencyKeys.IdempotencyKeyInUseException e,
                                                      HttpServletRequest request) {
        Problem problem = new Problem(HttpStatus.CONFLICT, "idempotency-key-in-use", "Idempotency-Key in use");
        return retryLater(problem.status()).body(problem.detail(e.getMessage(), request));
    }

    @ExceptionHandler(IdempotencyKeys.IdempotencyKeyReusedException.class)
    ResponseEntity<ProblemDetail> idempotencyKeyReused(IdempotencyKeys.IdempotencyKeyReusedException e,
                                                       HttpServletRequest request) {
        Problem problem = new Problem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused", "Idempotency-Key reused");
        return ResponseEntity.status(problem.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem.detail(e.getMessage(), request));
    }

    @ExceptionHandler(ShuttingDownException.class)
    ResponseEntity<ProblemDetail> shuttingDown(ShuttingDownException e, HttpServletRequest request) {
        log.warn("{} {} aborted: the shutdown grace period ended", request.getMethod(), request.getRequestURI());
        Problem problem = new Problem(HttpStatus.SERVICE_UNAVAILABLE, "shutting-down", "Service shutting down");
        return retryLater(problem.status()).header(HttpHeaders.CONNECTION, "close")
                .body(problem.detail(e.getMessage(), request));
    }

    /** A problem answer to a request worth sending again after {@value #RETRY_AFTER_SECONDS} seconds (Retry-After). */
    private static ResponseEntity.BodyBuilder retryLater(HttpStatus status) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request, HttpServletResponse response)
            throws Exception {
        if (response.isCommitted()) {
            // A download broke off mid-stream (client gone, S3 connection lost): the status line is out, so the
            // only honest signal left is the connection closing short of Content-Length. Rethrowing lets the
            // container do that.
            log.warn("{} {} ended early: {}", request.getMethod(), request.getRequestURI(), e.toString());
            throw e;
        }
        log.error("{} {} failed unexpectedly", request.getMethod(), request.getRequestURI(), e);
        ProblemDetail detail = new Problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error")
                .detail("The service failed unexpectedly; nothing was changed by this request. "
                        + "Retry, and report it if it persists.", request);
        return ResponseEntity.internalServerError().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(detail);
    }

    /** The problem type of each of the service's exceptions. */
    record Problem(HttpStatus status, String type, String title) {

        static final String TYPE_BASE = "urn:anomstack:model-store:problem:";

        static Problem of(ModelStoreException e) {
            if (e instanceof InvalidNameException) {
                return new Problem(HttpStatus.BAD_REQUEST, "invalid-name", "Invalid name");
            }
            if (e instanceof InvalidRequestException) {
                return new Problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request");
            }
            if (e instanceof UploadInterruptedException) {
                return new Problem(HttpStatus.BAD_REQUEST, "upload-interrupted", "Upload interrupted");
            }
            if (e instanceof ModelNotFoundException) {
                return new Problem(HttpStatus.NOT_FOUND, "not-found", "Not found");
            }
            if (e instanceof ModelTooLargeException) {
                return new Problem(HttpStatus.CONTENT_TOO_LARGE, "model-too-large", "Model too large");
            }
            if (e instanceof DigestMismatchException) {
                return new Problem(HttpStatus.UNPROCESSABLE_CONTENT, "digest-mismatch", "Digest mismatch");
            }
            if (e instanceof VersionConflictException) {
                return new Problem(HttpStatus.CONFLICT, "version-conflict", "Version conflict");
            }
            if (e instanceof ModelArchivedException) {
                return new Problem(HttpStatus.CONFLICT, "model-archived", "Model archived");
            }
            if (e instanceof BucketManagementDisabledException) {
                return new Problem(HttpStatus.CONFLICT, "bucket-management-disabled", "Bucket management disabled");
            }
            if (e instanceof VersionInUseException) {
                return new Problem(HttpStatus.CONFLICT, "version-in-use", "Version in use");
            }
            if (e instanceof StoreUnavailableException) {
                return new Problem(HttpStatus.SERVICE_UNAVAILABLE, "s3-unavailable", "S3 unavailable");
            }
            if (e instanceof StoreAccessException) {
                return new Problem(HttpStatus.BAD_GATEWAY, "s3-access", "S3 refused the service");
            }
            return new Problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error");
        }

        ProblemDetail detail(String message, HttpServletRequest request) {
            ProblemDetail detail = ProblemDetail.forStatusAndDetail(status, message);
            detail.setType(URI.create(TYPE_BASE + type));
            detail.setTitle(title);
            detail.setInstance(URI.create(request.getRequestURI()));
            return detail;
        }
    }
}
