package io.anomstack.modelstore.security;

import io.anomstack.modelstore.problem.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line on the {@code audit} logger for every request that writes or deletes, allowed or not: who, what, which
 * version, and how it ended (with the problem's slug when it was refused, such as {@code problem=unsafe-pickle}). It wraps the security filters, so refusals are audited too.
 */
final class AuditLog extends OncePerRequestFilter {

    private static final Logger audit = LoggerFactory.getLogger("audit");
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final Pattern VERSION = Pattern.compile("/versions/([^/?]+)");

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return READS.contains(request.getMethod()) || !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        int status = 500;
        try {
            chain.doFilter(request, response);
            status = response.getStatus();
        } finally {
            Object caller = request.getAttribute(ApiKeyAuthenticationFilter.CALLER_ATTRIBUTE);
            String version = version(request.getRequestURI(), response.getHeader(HttpHeaders.LOCATION));
            Object problem = request.getAttribute(ProblemType.REQUEST_ATTRIBUTE);
            audit.info("caller={} role={} action=\"{} {}\" query=\"{}\" version={} status={} outcome={} duration_ms={}{}",
                    caller instanceof Caller c ? c.name() : "unauthenticated",
                    caller instanceof Caller c ? c.roleLabel() : "-",
                    request.getMethod(), request.getRequestURI(),
                    request.getQueryString() == null ? "" : request.getQueryString(),
                    version == null ? "-" : version, status, AuditOutcome.of(status), (System.nanoTime() - start) / 1_000_000,
                    problem instanceof ProblemType type ? " problem=" + type.slug() : "");
        }
    }

    /** The version a request names in its path, or that an upload created (its {@code Location}). */
    private static String version(String path, String location) {
        for (String candidate : new String[] {location, path}) {
            if (candidate != null) {
                Matcher matcher = VERSION.matcher(candidate);
                if (matcher.find()) {
                    return matcher.group(1);
                }
            }
        }
        return null;
    }
}
