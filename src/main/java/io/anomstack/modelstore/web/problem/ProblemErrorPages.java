package io.anomstack.modelstore.web.problem;

import io.anomstack.modelstore.catalog.UploadInterruptedException;
import io.anomstack.modelstore.problem.ProblemType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;

/**
 * Errors that happen before or outside a controller answer as problem+json too: requests the security firewall
 * rejects (encoded dots, semicolons, backslashes in the path), anything the container forwards to {@code /error},
 * and what Tomcat refuses before Spring sees it ({@link ProblemErrorReportValve}).
 */
@RestController
class ProblemErrorPages implements ErrorController {

    private static final String MALFORMED = "The request's path or headers contain something no valid request has "
            + "(encoded dots or slashes, backslashes, semicolons, control characters). Use plain batch, metric, tag and "
            + "version names.";

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null
                ? HttpStatus.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
        UploadInterruptedException interrupted = interruption(request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
        if (interrupted != null) {
            // The container gave up on a malformed body (a bad chunk) while the upload read it: the client's fault.
            status = HttpStatus.BAD_REQUEST;
        }
        boolean clientError = status.is4xxClientError();
        ProblemType type = clientError ? ProblemType.MALFORMED_REQUEST : ProblemType.INTERNAL_ERROR;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, interrupted != null ? interrupted.getMessage()
                : clientError ? MALFORMED
                : "The service failed unexpectedly; nothing was changed by this request. Retry, and report it if it persists.");
        problem.setType(type.uri());
        problem.setTitle(type.title());
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (path instanceof String uri && uri.matches("[\\x21-\\x7e]*")) {
            problem.setInstance(URI.create(uri));
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static UploadInterruptedException interruption(Object failure) {
        for (Throwable cause = failure instanceof Throwable t ? t : null; cause != null;
             cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof UploadInterruptedException interrupted) {
                return interrupted;
            }
        }
        return null;
    }

    /** The security firewall's rejections, answered where they happen rather than through {@code /error}. */
    @Bean
    static RequestRejectedHandler requestRejectedHandler() {
        return (request, response, rejected) -> {
            ProblemType type = ProblemType.MALFORMED_REQUEST;
            request.setAttribute(ProblemType.REQUEST_ATTRIBUTE, type);
            response.setStatus(type.status());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write("{\"type\":\"" + type.uri() + "\",\"title\":\"" + type.title() + "\",\"status\":"
                    + type.status() + ",\"detail\":\"" + MALFORMED + "\"}");
        };
    }

    @Bean
    static WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReportValve() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        });
    }
}
