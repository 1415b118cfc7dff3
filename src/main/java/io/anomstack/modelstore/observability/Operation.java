package io.anomstack.modelstore.observability;

import org.jspecify.annotations.Nullable;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a request does, by method and path: a handful of names for tags and log lines. Worked out from the request
 * itself, not from Spring MVC's handler, so that requests refused before reaching a controller (401, 403, 429,
 * firewall) are named too.
 *
 * @param name  {@code upload}, {@code download}, {@code bundle}, {@code metadata}, {@code list}, {@code rollback},
 *              {@code alias}, {@code delete}, {@code prune}, {@code restore}, {@code admin}, {@code actuator},
 *              {@code other}
 * @param batch the batch named in the path; {@code null} when there is none
 */
public record Operation(String name, @Nullable String batch) {

    static final String UPLOAD = "upload";
    static final String DOWNLOAD = "download";

    private static final Set<String> READ = Set.of("GET", "HEAD");
    private static final List<Route> ROUTES = List.of(
            new Route(Set.of("POST"), "/api/v1/models/{batch}/{metric}", UPLOAD),
            new Route(READ, "/api/v1/models/{batch}/_bundle", "bundle"),
            new Route(READ, "/api/v1/models/{batch}/{metric}/latest", DOWNLOAD),
            new Route(READ, "/api/v1/models/{batch}/{metric}/versions/{version}", DOWNLOAD),
            new Route(READ, "/api/v1/models/{batch}/{metric}/aliases/{alias}", DOWNLOAD),
            new Route(READ, "/api/v1/models/{batch}/{metric}/latest/metadata", "metadata"),
            new Route(READ, "/api/v1/models/{batch}/{metric}/versions/{version}/metadata", "metadata"),
            new Route(READ, "/api/v1/models/{batch}/{metric}/aliases/{alias}/metadata", "metadata"),
            new Route(READ, "/api/v1/models/{batch}/**", "list"),
            new Route(READ, "/api/v1/models", "list"),
            new Route(Set.of("PUT"), "/api/v1/models/{batch}/{metric}/latest", "rollback"),
            new Route(Set.of("PUT"), "/api/v1/models/{batch}/{metric}/aliases/{alias}", "alias"),
            new Route(Set.of("DELETE"), "/api/v1/models/{batch}/**", "delete"),
            new Route(Set.of("POST"), "/api/v1/models/{batch}/{metric}/prune", "prune"),
            new Route(Set.of("POST"), "/api/v1/models/{batch}/{metric}/versions/{version}/restore", "restore"),
            new Route(null, "/api/v1/admin/**", "admin"),
            new Route(null, "/actuator/**", "actuator"));

    static Operation of(String method, String path) {
        PathContainer container;
        try {
            container = PathContainer.parsePath(path);
        } catch (IllegalArgumentException malformed) {
            return new Operation("other", null);
        }
        for (Route route : ROUTES) {
            if (route.methods() == null || route.methods().contains(method)) {
                PathPattern.PathMatchInfo match = route.pattern().matchAndExtract(container);
                if (match != null) {
                    Map<String, String> variables = match.getUriVariables();
                    return new Operation(route.operation(), variables.get("batch"));
                }
            }
        }
        return new Operation("other", null);
    }

    private record Route(Set<String> methods, PathPattern pattern, String operation) {

        Route(Set<String> methods, String pattern, String operation) {
            this(methods, PathPatternParser.defaultInstance.parse(pattern), operation);
        }
    }
}
