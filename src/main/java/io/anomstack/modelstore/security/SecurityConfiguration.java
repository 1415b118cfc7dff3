package io.anomstack.modelstore.security;

import io.anomstack.modelstore.storage.S3StorageProperties;
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
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may do what. Reads need the reader role, uploads the writer role, everything else under the API (deletes,
 * rollback, aliases, prune, bucket management) and the actuator beyond health and info the admin role; each key
 * is further limited to its batches. Stateless: no sessions, no cookies, so no CSRF exposure.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    private static final String BATCH = "/api/v1/models/{batch}";
    private static final String UNDER_BATCH = "/api/v1/models/{batch}/**";

    @Bean
    ApiKeys apiKeys(SecurityProperties properties, S3StorageProperties s3) {
        ApiKeys keys = new ApiKeys(properties);
        if (properties.allowAnonymous()) {
            log.warn("SECURITY: modelstore.security.allow-anonymous=true: anybody who can reach this service may read, "
                    + "write and delete every model without a key.");
        } else if (keys.isEmpty() && !s3.localMode()) {
            throw new InsecureConfigurationException();
        } else if (keys.isEmpty()) {
            log.info("Local mode without API keys: anonymous callers are let in from loopback addresses only.");
        }
        return keys;
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, SecurityProperties properties, S3StorageProperties s3,
                                            ApiKeys keys, JsonMapper jsonMapper) throws Exception {
        SecurityProblems problems = new SecurityProblems(jsonMapper);
        ApiKeyAuthenticationFilter.AnonymousAccess anonymous =
                new ApiKeyAuthenticationFilter.AnonymousAccess(properties.allowAnonymous(), s3.localMode());
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
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll()
                        .requestMatchers("/error").permitAll()
                        .requestMatchers("/actuator/**", "/api/v1/admin/**").access(administer)
                        .requestMatchers(HttpMethod.GET, "/api/v1/models").access(read)
                        .requestMatchers(HttpMethod.GET, BATCH, UNDER_BATCH).access(read)
                        .requestMatchers(HttpMethod.HEAD, BATCH, UNDER_BATCH).access(read)
                        .requestMatchers(HttpMethod.POST, "/api/v1/models/{batch}/{metric}").access(write)
                        .requestMatchers(BATCH, UNDER_BATCH).access(administer)
                        .anyRequest().authenticated())
                .build();
    }

    /** The audit log wraps the security filters (order -100), so that refused writes are audited too. */
    @Bean
    FilterRegistrationBean<AuditLog> auditLog() {
        FilterRegistrationBean<AuditLog> registration = new FilterRegistrationBean<>(new AuditLog());
        registration.setOrder(-101);
        return registration;
    }
}
