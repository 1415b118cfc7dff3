package io.anomstack.modelstore.security;

import io.anomstack.modelstore.problem.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
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
        write(request, response, ProblemType.UNAUTHENTICATED,
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
        write(request, response, ProblemType.FORBIDDEN,
                who + " may not " + request.getMethod() + " " + request.getRequestURI() + ": " + reason);
    }

    private void write(HttpServletRequest request, HttpServletResponse response, ProblemType type, String detail)
            throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", type.uri().toString());
        problem.put("title", type.title());
        problem.put("status", type.status());
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        request.setAttribute(ProblemType.REQUEST_ATTRIBUTE, type);
        response.setStatus(type.status());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
