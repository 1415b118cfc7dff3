package io.anomstack.modelstore.security;

import io.anomstack.modelstore.observability.ErrorCauses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * 401 and 403 as problem+json, like every other error of the service, written here because Spring Security answers
 * before any controller advice can. 401 carries {@code WWW-Authenticate} (RFC 9110); 403 says which role or batch
 * was missing, never which keys exist.
 */
final class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    static final String REALM = "anomstack-model-store";

    private final JsonMapper json;

    SecurityProblems(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        boolean badKey = e.getMessage() != null && e.getMessage().startsWith("The API key");
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + REALM + "\""
                + (badKey ? ", error=\"invalid_token\"" : ""));
        write(request, response, HttpStatus.UNAUTHORIZED, "unauthenticated", "Authentication required",
                badKey ? e.getMessage() : "This request needs an API key: send 'Authorization: Bearer <key>' or "
                        + "'X-API-Key: <key>'. Ask the service's operators for a key with the role you need.");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        String who = authentication instanceof CallerAuthentication caller
                ? "Caller '" + caller.getName() + "' (role " + caller.getPrincipal().roleLabel() + ")" : "This caller";
        String reason = e instanceof AuthorizationDeniedException denied
                && denied.getAuthorizationResult() instanceof CallerAuthorization.Denial denial
                ? denial.reason() : "the request is not allowed.";
        write(request, response, HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                who + " may not " + request.getMethod() + " " + request.getRequestURI() + ": " + reason);
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String type,
                       String title, String detail) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:anomstack:model-store:problem:" + type);
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        ErrorCauses.recordProblem(request, (String) problem.get("type"));
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
