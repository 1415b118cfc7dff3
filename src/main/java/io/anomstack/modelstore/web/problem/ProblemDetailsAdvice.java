package io.anomstack.modelstore.web.problem;

import io.anomstack.modelstore.catalog.ArchiveState;
import io.anomstack.modelstore.catalog.ModelArchivedException;
import io.anomstack.modelstore.catalog.UnsafePickleException;
import io.anomstack.modelstore.catalog.RestoreTier;
import io.anomstack.modelstore.problem.ProblemException;
import io.anomstack.modelstore.problem.ProblemType;
import io.anomstack.modelstore.web.download.RangeNotSatisfiableException;
import io.anomstack.modelstore.web.upload.ShuttingDownException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.util.UriComponentsBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every error as an RFC 9457 problem detail: what was wrong and what to do, never a stack trace.
 * A {@link ProblemException} is answered from the {@link ProblemType} it carries (status, title, type) with its
 * message as the detail and its Retry-After, if any; the few exceptions whose answer says more (archive hints,
 * Content-Range, Connection: close, the globals of a refused pickle) have a handler of their own that adds it.
 * Spring MVC's own errors (unknown route, wrong method, bad parameter) come through the base class.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> problem(ProblemException e, HttpServletRequest request,
                                          HttpServletResponse response) {
        ResponseEntity.BodyBuilder answer = answer(e, request, response);
        if (e.problemType().isServerError()) {
            log.warn("{} {} failed: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        }
        return answer.body(detail(e.problemType(), e.getMessage(), request));
    }

    @ExceptionHandler(ModelArchivedException.class)
    ResponseEntity<ProblemDetail> modelArchived(ModelArchivedException e, HttpServletRequest request,
                                                HttpServletResponse response) {
        return answer(e, request, response).body(archivedProblem(e, request));
    }

    /** Names what the refused pickle imports, so a client can show it or add it to the batch's allow-list. */
    @ExceptionHandler(UnsafePickleException.class)
    ResponseEntity<ProblemDetail> unsafePickle(UnsafePickleException e, HttpServletRequest request,
                                               HttpServletResponse response) {
        ProblemDetail detail = detail(e.problemType(), e.getMessage(), request);
        detail.setProperty("refused_globals", e.refused());
        detail.setProperty("pickle", e.check());
        return answer(e, request, response).body(detail);
    }

    @ExceptionHandler(RangeNotSatisfiableException.class)
    ResponseEntity<ProblemDetail> rangeNotSatisfiable(RangeNotSatisfiableException e, HttpServletRequest request,
                                                      HttpServletResponse response) {
        return answer(e, request, response).header(HttpHeaders.CONTENT_RANGE, "bytes */" + e.size())
                .body(detail(e.problemType(), e.getMessage(), request));
    }

    @ExceptionHandler(ShuttingDownException.class)
    ResponseEntity<ProblemDetail> shuttingDown(ShuttingDownException e, HttpServletRequest request,
                                               HttpServletResponse response) {
        ResponseEntity.BodyBuilder answer = answer(e, request, response);
        log.warn("{} {} aborted: the shutdown grace period ended", request.getMethod(), request.getRequestURI());
        return answer.header(HttpHeaders.CONNECTION, "close").body(detail(e.problemType(), e.getMessage(), request));
    }

    /** The status line and headers every answer to a {@link ProblemException} has: its type's status, Retry-After. */
    private static ResponseEntity.BodyBuilder answer(ProblemException e, HttpServletRequest request,
                                                     HttpServletResponse response) {
        if (response.isCommitted()) {
            // A bundle reached an archived or unreadable model after its first bytes were out: as in unexpected(), the
            // connection closing short is the only signal left.
            log.warn("{} {} ended early: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            throw e;
        }
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(e.problemType().status())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        Duration retryAfter = e.retryAfter();
        if (retryAfter != null) {
            answer.header(HttpHeaders.RETRY_AFTER, Long.toString(ProblemException.wholeSeconds(retryAfter)));
        }
        return answer;
    }

    /** Says how to get the version back: the restore request to send, and how long each tier takes for its archive. */
    private static ProblemDetail archivedProblem(ModelArchivedException e, HttpServletRequest request) {
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
        ProblemDetail detail = detail(e.problemType(), message, request);
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
        ProblemDetail detail = detail(ProblemType.INTERNAL_ERROR, "The service failed unexpectedly; nothing was changed "
                + "by this request. Retry, and report it if it persists.", request);
        return ResponseEntity.status(ProblemType.INTERNAL_ERROR.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(detail);
    }

    /** A problem detail of the given type, about this request. */
    private static ProblemDetail detail(ProblemType type, String message, HttpServletRequest request) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(type.status()), message);
        detail.setType(type.uri());
        detail.setTitle(type.title());
        detail.setInstance(URI.create(request.getRequestURI()));
        return detail;
    }
}
