package io.anomstack.modelstore.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Authenticates a request by its API key ({@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}), unless a
 * JWT already authenticated it. A request
 * without a key is anonymous: let in where anonymous access is allowed, else left for the authorisation rules to turn
 * away with 401. A wrong key is answered 401 at once, whatever anonymous callers may do: a job with a typo in its key
 * must find out.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    static final String API_KEY_HEADER = "X-API-Key";
    /** The caller, kept on the request for the audit log, which runs outside the security filters. */
    static final String CALLER_ATTRIBUTE = Caller.REQUEST_ATTRIBUTE;

    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;
    private final AnonymousAccess anonymous;
    private final AuthenticationEntryPoint entryPoint;

    ApiKeyAuthenticationFilter(ApiKeys keys, AnonymousAccess anonymous, AuthenticationEntryPoint entryPoint) {
        this.keys = keys;
        this.anonymous = anonymous;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof CallerAuthentication token) {
            // A JWT, authenticated by the resource server's filter before this one.
            request.setAttribute(CALLER_ATTRIBUTE, token.getPrincipal());
            chain.doFilter(request, response);
            return;
        }
        Optional<String> secret = presentedKey(request);
        Caller caller;
        if (secret.isPresent()) {
            Optional<Caller> known = keys.find(secret.get());
            if (known.isEmpty()) {
                entryPoint.commence(request, response, new BadCredentialsException(
                        "The API key is not one this service knows. Check the key the job runs with."));
                return;
            }
            caller = known.get();
        } else if (anonymous.allows(request)) {
            caller = Caller.anonymous();
        } else {
            chain.doFilter(request, response);
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new CallerAuthentication(caller));
        SecurityContextHolder.setContext(context);
        request.setAttribute(CALLER_ATTRIBUTE, caller);
        chain.doFilter(request, response);
    }

    /** Whether a bearer token has the shape of a JWT (three base64url parts): those go to the JWT decoder. */
    static boolean looksLikeJwt(String token) {
        return token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    }

    private static Optional<String> presentedKey(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String key = authorization.substring(BEARER.length()).trim();
            return key.isEmpty() ? Optional.empty() : Optional.of(key);
        }
        String header = request.getHeader(API_KEY_HEADER);
        return header == null || header.isBlank() ? Optional.empty() : Optional.of(header.trim());
    }

    /** Who may come in without a key. */
    record AnonymousAccess(boolean everywhere, boolean loopbackOnly) {

        boolean allows(HttpServletRequest request) {
            return everywhere || (loopbackOnly && isLoopback(request.getRemoteAddr()));
        }

        private static boolean isLoopback(String address) {
            try {
                // A literal IP address from the connection: no name lookup happens.
                return address != null && InetAddress.getByName(address).isLoopbackAddress();
            } catch (IOException e) {
                return false;
            }
        }
    }
}
