package io.anomstack.modelstore.security;

import io.anomstack.modelstore.config.LocalMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may do what. Reads need the reader role, uploads the writer role, everything else under the API (deletes,
 * rollback, aliases, prune, bucket management) and the actuator beyond health and info the admin role; each key
 * is further limited to its batches. Stateless: no sessions, no cookies, so no CSRF exposure. The model browser's
 * static page is public (it holds no data) and gets a Content-Security-Policy of its own.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    private static final String BATCH = "/api/v1/models/{batch}";
    private static final String UNDER_BATCH = "/api/v1/models/{batch}/**";
    /**
     * The model browser loads only its own files and talks only to this service: no inline script or style, no
     * framing, so an injected string can neither run nor restyle the page, nor can another site frame it.
     */
    private static final String MODEL_BROWSER_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Bean
    ApiKeys apiKeys(SecurityProperties properties, LocalMode localMode) {
        ApiKeys keys = new ApiKeys(properties);
        if (properties.allowAnonymous()) {
            log.warn("SECURITY: modelstore.security.allow-anonymous=true: anybody who can reach this service may read, "
                    + "write and delete every model without a key.");
        } else if (keys.isEmpty() && properties.s3Keys().isEmpty() && !properties.jwt().enabled() && !localMode.active()) {
            throw new InsecureConfigurationException();
        } else if (keys.isEmpty()) {
            log.info("Local mode without API keys: anonymous callers are let in from loopback addresses only.");
        }
        return keys;
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, SecurityProperties properties, LocalMode localMode,
                                            ApiKeys keys, JsonMapper jsonMapper) throws Exception {
        if (properties.jwt().enabled()) {
            DefaultBearerTokenResolver bearer = new DefaultBearerTokenResolver();
            http.oauth2ResourceServer(jwt -> jwt
                    // API keys are bearer tokens too: only JWT-shaped ones go to the decoder.
                    .bearerTokenResolver(request -> {
                        String token = bearer.resolve(request);
                        return token != null && ApiKeyAuthenticationFilter.looksLikeJwt(token) ? token : null;
                    })
                    .authenticationEntryPoint(new SecurityProblems(jsonMapper))
                    .jwt(decoder -> decoder.decoder(jwtDecoder(properties.jwt()))
                            .jwtAuthenticationConverter(new JwtCallers(properties.jwt().batchClaim()))));
        }
        SecurityProblems problems = new SecurityProblems(jsonMapper);
        ApiKeyAuthenticationFilter.AnonymousAccess anonymous =
                new ApiKeyAuthenticationFilter.AnonymousAccess(properties.allowAnonymous(), localMode.active());
        CallerAuthorization read = new CallerAuthorization(Role.READER, "read models");
        CallerAuthorization write = new CallerAuthorization(Role.WRITER, "upload models");
        CallerAuthorization administer = new CallerAuthorization(Role.ADMIN, "change or delete what is stored");
        return http
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .addFilterBefore(new ApiKeyAuthenticationFilter(keys, anonymous, problems), AuthorizationFilter.class)
                .headers(headers -> headers.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                        PathPatternRequestMatcher.withDefaults().matcher("/ui/**"),
                        new StaticHeadersWriter("Content-Security-Policy", MODEL_BROWSER_POLICY))))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs.yaml", "/v3/api-docs/**",
                                "/swagger-ui.html", "/swagger-ui/**").permitAll()
                        .requestMatchers("/error").permitAll()
                        // The model browser's page and assets hold no data: its calls to the API carry the key.
                        .requestMatchers(HttpMethod.GET, "/", "/ui", "/ui/**").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/v1/me").authenticated()
                        .requestMatchers("/actuator/**", "/api/v1/admin/**").access(administer)
                        .requestMatchers(HttpMethod.GET, "/api/v1/models").access(read)
                        .requestMatchers(HttpMethod.GET, BATCH, UNDER_BATCH).access(read)
                        .requestMatchers(HttpMethod.HEAD, BATCH, UNDER_BATCH).access(read)
                        .requestMatchers(HttpMethod.POST, "/api/v1/models/{batch}/{metric}").access(write)
                        .requestMatchers(BATCH, UNDER_BATCH).access(administer)
                        .anyRequest().authenticated())
                .build();
    }

    /**
     * Keys from the JWK set (named directly or found through the issuer's discovery document, fetched on first use so
     * that start-up does not depend on the identity provider); the issuer, when configured, must match {@code iss}.
     */
    private static JwtDecoder jwtDecoder(SecurityProperties.Jwt jwt) {
        NimbusJwtDecoder decoder = jwt.jwkSetUri() != null ? NimbusJwtDecoder.withJwkSetUri(jwt.jwkSetUri()).build()
                : NimbusJwtDecoder.withIssuerLocation(jwt.issuerUri()).build();
        decoder.setJwtValidator(jwt.issuerUri() != null ? JwtValidators.createDefaultWithIssuer(jwt.issuerUri())
                : JwtValidators.createDefault());
        return decoder;
    }

    /** The audit log wraps the security filters (order -100), so that refused writes are audited too. */
    @Bean
    FilterRegistrationBean<AuditLog> auditLog() {
        FilterRegistrationBean<AuditLog> registration = new FilterRegistrationBean<>(new AuditLog());
        registration.setOrder(-101);
        return registration;
    }
}
