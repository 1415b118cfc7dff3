package io.anomstack.modelstore.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.anomstack.modelstore.security.HashKeyCommand;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who may do what, through the real service with API keys and with JWTs from a local identity provider's JWK set:
 * the role × endpoint matrix, batch patterns and claims, 401 and
 * 403 as problems, public health and docs, the audit log, and the refusal to start open to the world.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityIT {

    private static final String READER = "reader-secret-0123456789";
    private static final String WRITER = "writer-secret-0123456789";
    private static final String ADMIN = "admin-secret-0123456789";
    private static final String STAGING_WRITER = "staging-writer-secret-0123456789";

    private static final String ISSUER = "https://idp.example.test/";

    private S3ProxyBackend backend;
    private RunningService service;
    private HttpServer identityProvider;
    private RSAKey signingKey;
    private String version;
    private final ListAppender<ILoggingEvent> audit = new ListAppender<>();

    @BeforeAll
    void start() throws Exception {
        backend = S3ProxyBackend.inMemory();
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("secured")));
        properties.remove("modelstore.security.allow-anonymous");
        properties.put("management.endpoints.web.exposure.include", "health,info,metrics");
        key(properties, 0, "scorer", READER, "reader", "prod_*");
        key(properties, 1, "trainer", WRITER, "writer", "prod_*");
        key(properties, 2, "operator", ADMIN, "admin", null);
        key(properties, 3, "staging-trainer", STAGING_WRITER, "writer", "staging,staging_?");
        signingKey = new RSAKeyGenerator(2048).keyID("test-key").generate();
        identityProvider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] jwks = new JWKSet(signingKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        identityProvider.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        identityProvider.start();
        properties.put("modelstore.security.jwt.issuer-uri", ISSUER);
        properties.put("modelstore.security.jwt.jwk-set-uri",
                "http://127.0.0.1:" + identityProvider.getAddress().getPort() + "/jwks");
        service = RunningService.start(properties);
        audit.start();
        HttpResponse<String> uploaded = send("POST", "/api/v1/models/prod_a/cpu", WRITER, "model");
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        version = json(uploaded.body()).get("version").asString();
    }

    @AfterAll
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger("audit")).detachAppender(audit);
        service.close();
        backend.close();
        identityProvider.stop(0);
    }

    private static void key(Map<String, Object> properties, int index, String name, String secret, String role, String batches) {
        String prefix = "modelstore.security.api-keys[" + index + "].";
        properties.put(prefix + "name", name);
        properties.put(prefix + "sha256", sha256(secret));
        properties.put(prefix + "role", role);
        if (batches != null) {
            properties.put(prefix + "batches", batches);
        }
    }

    Stream<Arguments> matrix() {
        return Stream.of(
                // method, path, body, lowest role allowed
                Arguments.of("GET", "/api/v1/models", null, "reader"),
                Arguments.of("GET", "/api/v1/models/prod_a", null, "reader"),
                Arguments.of("GET", "/api/v1/models/prod_a/policy", null, "reader"),
                Arguments.of("GET", "/api/v1/models/prod_a/_bundle", null, "reader"),
                Arguments.of("GET", "/api/v1/models/prod_a/cpu/latest", null, "reader"),
                Arguments.of("HEAD", "/api/v1/models/prod_a/cpu/latest", null, "reader"),
                Arguments.of("GET", "/api/v1/models/prod_a/cpu/latest/metadata", null, "reader"),
                Arguments.of("GET", "/api/v1/models/prod_a/cpu/versions", null, "reader"),
                Arguments.of("GET", "/api/v1/models/prod_a/cpu/versions/{v}", null, "reader"),
                Arguments.of("GET", "/api/v1/models/prod_a/cpu/versions/{v}/metadata", null, "reader"),
                Arguments.of("GET", "/api/v1/models/prod_a/cpu/aliases", null, "reader"),
                Arguments.of("POST", "/api/v1/models/prod_a/cpu", "model", "writer"),
                Arguments.of("PUT", "/api/v1/models/prod_a/cpu/latest", "{\"version\": \"{v}\"}", "admin"),
                Arguments.of("PUT", "/api/v1/models/prod_a/cpu/aliases/champion", "{\"version\": \"{v}\"}", "admin"),
                Arguments.of("DELETE", "/api/v1/models/prod_a/cpu/aliases/champion", null, "admin"),
                Arguments.of("POST", "/api/v1/models/prod_a/cpu/prune?dry_run=true", "", "admin"),
                Arguments.of("DELETE", "/api/v1/models/prod_a/gone/versions/20250101_000000", null, "admin"),
                Arguments.of("DELETE", "/api/v1/models/prod_a/gone", null, "admin"),
                Arguments.of("POST", "/api/v1/models/prod_a/cpu/versions/{v}/restore?days=1&tier=Standard", "", "admin"),
                Arguments.of("GET", "/api/v1/admin/bucket", null, "admin"),
                Arguments.of("POST", "/api/v1/admin/bucket/reconcile", "", "admin"),
                Arguments.of("GET", "/actuator/metrics", null, "admin"),
                Arguments.of("GET", "/actuator/prometheus", null, "admin"));
    }

    @ParameterizedTest(name = "{0} {1} needs {3}")
    @MethodSource("matrix")
    void eachRoleMayDoWhatItsRoleAllowsAndNothingMoreWithApiKeysAndWithJwts(String method, String path, String body,
                                                                            String lowest) throws Exception {
        List<String> roles = List.of("reader", "writer", "admin");
        Map<String, String> secrets = Map.of("reader", READER, "writer", WRITER, "admin", ADMIN,
                "jwt:reader", jwt("scorer-job", "openid models:read", List.of("prod_*"), 300),
                "jwt:writer", jwt("trainer-job", "models:read models:write", List.of("prod_*"), 300),
                "jwt:admin", jwt("operator", "models:admin", null, 300));
        for (String credential : List.of("", "jwt:")) {
            for (String role : roles) {
                assertRole(method, path, body, lowest, roles, role, secrets.get(credential + role));
            }
        }
    }

    private void assertRole(String method, String path, String body, String lowest, List<String> roles, String role,
                            String secret) {
        HttpResponse<String> response = send(method, path.replace("{v}", version),
                secret, body == null ? null : body.replace("{v}", version));
        if (roles.indexOf(role) >= roles.indexOf(lowest)) {
            assertThat(response.statusCode()).as(role + " " + method + " " + path + ": " + response.body())
                    .isNotIn(401, 403).isLessThan(500);
        } else {
            assertThat(response.statusCode()).as(role + " " + method + " " + path).isEqualTo(403);
            assertForbiddenProblem(method, response);
        }
        HttpResponse<String> anonymous = send(method, path.replace("{v}", version), null, body);
        assertThat(anonymous.statusCode()).as("anonymous " + method + " " + path).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).startsWith("Bearer realm=\"anomstack-model-store\""));
    }

    @Test
    void aKeyTouchesOnlyTheBatchesItsPatternsCover() {
        HttpResponse<String> elsewhere = send("POST", "/api/v1/models/staging/cpu", WRITER, "model");
        assertThat(elsewhere.statusCode()).isEqualTo(403);
        assertThat(json(elsewhere.body()).get("detail").asString())
                .contains("trainer", "[prod_*]", "'staging'");
        assertThat(send("POST", "/api/v1/models/staging/cpu", STAGING_WRITER, "model").statusCode()).isEqualTo(201);
        assertThat(send("POST", "/api/v1/models/staging_1/cpu", STAGING_WRITER, "model").statusCode()).isEqualTo(201);
        assertThat(send("POST", "/api/v1/models/staging_10/cpu", STAGING_WRITER, "model").statusCode()).isEqualTo(403);
        assertThat(send("GET", "/api/v1/models/prod_a/cpu/latest", STAGING_WRITER, null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/api/v1/models/staging/cpu/latest", READER, null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/api/v1/models/staging/cpu/latest", ADMIN, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aJwtIsTrustedOnlyWhenSignedByTheProviderForThisIssuerUnexpiredAndItsScopesAndBatchClaimDecide() throws Exception {
        String latest = "/api/v1/models/prod_a/cpu/latest";
        assertThat(send("GET", latest, jwt("scorer-job", "models:read", null, 300), null).statusCode()).isEqualTo(200);
        assertThat(send("GET", latest, jwt("scorer-job", "models:read", null, -120), null).statusCode()).isEqualTo(401);
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("test-key").generate();
        assertThat(send("GET", latest, sign(stranger, "mallory", ISSUER, "models:admin", null, 300), null).statusCode())
                .isEqualTo(401);
        assertThat(send("GET", latest, sign(signingKey, "mallory", "https://other.example.test/", "models:admin", null, 300),
                null).statusCode()).isEqualTo(401);

        HttpResponse<String> noScope = send("GET", latest, jwt("someone", "openid profile", null, 300), null);
        assertThat(noScope.statusCode()).isEqualTo(403);
        assertThat(json(noScope.body()).get("detail").asString()).contains("jwt:someone", "models:read");

        String stagingOnly = jwt("staging-job", "models:write", List.of("staging*"), 300);
        assertThat(send("POST", "/api/v1/models/staging_jwt/cpu", stagingOnly, "model").statusCode()).isEqualTo(201);
        assertThat(send("POST", "/api/v1/models/prod_a/cpu", stagingOnly, "model").statusCode()).isEqualTo(403);
    }

    @Test
    void theKeyMayComeAsBearerTokenOrXApiKeyAndAWrongOneIsRefusedAtOnce() {
        HttpResponse<String> viaHeader = service.send(HttpRequest.newBuilder(service.uri("/api/v1/models/prod_a/cpu/latest/metadata"))
                .header("X-API-Key", READER).GET());
        assertThat(viaHeader.statusCode()).isEqualTo(200);

        HttpResponse<String> wrong = send("GET", "/api/v1/models/prod_a/cpu/latest", "not-a-key", null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
        assertThat(wrong.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(json(wrong.body()).get("detail").asString()).contains("not one this service knows");
        // A wrong key is refused even where no key is needed: the job must learn about its typo.
        assertThat(send("GET", "/actuator/health", "not-a-key", null).statusCode()).isEqualTo(401);
    }

    @Test
    void healthInfoAndTheApiDocumentationArePublic() {
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
                "/actuator/info", "/v3/api-docs", "/v3/api-docs.yaml",
                "/swagger-ui/index.html")) {
            assertThat(send("GET", path, null, null).statusCode()).as(path).isEqualTo(200);
        }
        JsonNode schemes = json(send("GET", "/v3/api-docs", null, null).body()).get("components").get("securitySchemes");
        assertThat(schemes.has("bearer")).isTrue();
        assertThat(schemes.has("apiKey")).isTrue();
    }

    @Test
    void everyWriteAndDeleteIsAuditedWithWhoWhatVersionAndOutcome() {
        // Attached here: any service another test starts in this JVM sets logging up afresh.
        ((Logger) LoggerFactory.getLogger("audit")).addAppender(audit);
        audit.list.clear();
        HttpResponse<String> uploaded = send("POST", "/api/v1/models/prod_b/cpu?tag=pca", WRITER, "model");
        String uploadedVersion = json(uploaded.body()).get("version").asString();
        send("DELETE", "/api/v1/models/prod_b/cpu/versions/" + uploadedVersion + "?tag=pca", WRITER, null);
        send("GET", "/api/v1/models/prod_b/cpu/latest?tag=pca", READER, null);

        List<String> lines = audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("caller=trainer", "role=writer", "action=\"POST /api/v1/models/prod_b/cpu\"",
                "query=\"tag=pca\"", "version=" + uploadedVersion, "status=201", "outcome=success");
        assertThat(lines.get(1)).contains("caller=trainer", "action=\"DELETE /api/v1/models/prod_b/cpu/versions/"
                + uploadedVersion + "\"", "version=" + uploadedVersion, "status=403", "outcome=denied");
        assertThat(String.join("\n", lines)).doesNotContain(WRITER, READER);
    }

    @Test
    void outsideLocalModeTheServiceRefusesToStartWithoutKeysUnlessAnonymousAccessIsAskedFor() throws Exception {
        try (S3ProxyBackend other = S3ProxyBackend.inMemory()) {
            Map<String, Object> properties = new HashMap<>(other.serviceProperties(other.createBucket("open")));
            properties.remove("modelstore.security.allow-anonymous");
            assertThatThrownBy(() -> RunningService.start(properties))
                    .hasRootCauseInstanceOf(IllegalStateException.class)
                    .rootCause().hasMessageContaining("No API key is configured");
        }
    }

    @Test
    void localModeLetsAnonymousCallersInFromLoopbackOnly(@TempDir Path dataDir) throws Exception {
        InetAddress external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(network -> Collections.list(network.getInetAddresses()).stream())
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst().orElse(null);
        Assumptions.assumeTrue(external != null, "this machine has no address but loopback");
        try (RunningService local = RunningService.start(Map.of("modelstore.data-dir", dataDir.toString()))) {
            assertThat(local.get("/api/v1/models").statusCode()).isEqualTo(200);
            HttpResponse<String> remote = local.send(HttpRequest.newBuilder(
                    URI.create("http://" + external.getHostAddress() + ":" + local.port() + "/api/v1/models")).GET());
            assertThat(remote.statusCode()).isEqualTo(401);
            assertThat(remote.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        }
    }

    @Test
    void hashKeyPrintsANewKeyAndTheHashThatAuthenticatesIt() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HashKeyCommand.run(new String[] {"hash-key"}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        String key = printed.lines().filter(line -> line.startsWith("key:")).findFirst().orElseThrow().split("\\s+")[1];
        String hash = printed.lines().filter(line -> line.startsWith("sha256:")).findFirst().orElseThrow().split("\\s+")[1];
        assertThat(key).startsWith("ams_").hasSizeGreaterThan(40);
        assertThat(hash).isEqualTo(sha256(key));

        ByteArrayOutputStream fromStdin = new ByteArrayOutputStream();
        HashKeyCommand.run(new String[] {"hash-key", "-"}, new ByteArrayInputStream((READER + "\n").getBytes(StandardCharsets.UTF_8)),
                new PrintStream(fromStdin, true, StandardCharsets.UTF_8));
        assertThat(fromStdin.toString(StandardCharsets.UTF_8)).contains("sha256: " + sha256(READER))
                .doesNotContain("key:");
    }

    private static void assertForbiddenProblem(String method, HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        if (!method.equals("HEAD")) {
            JsonNode problem = json(response.body());
            assertThat(problem.get("type").asString()).isEqualTo("urn:anomstack:model-store:problem:forbidden");
            assertThat(problem.get("detail").asString()).contains("role");
        }
    }

    private HttpResponse<String> send(String method, String path, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(service.uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", body.startsWith("{") ? "application/json" : "application/octet-stream");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return service.send(request);
    }

    private String jwt(String subject, String scope, List<String> batches, int secondsToLive) throws JOSEException {
        return sign(signingKey, subject, ISSUER, scope, batches, secondsToLive);
    }

    private static String sign(RSAKey key, String subject, String issuer, String scope, List<String> batches,
                               int secondsToLive) throws JOSEException {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject).issuer(issuer).claim("scope", scope)
                .issueTime(Date.from(now.minusSeconds(600))).expirationTime(Date.from(now.plusSeconds(secondsToLive)));
        if (batches != null) {
            claims.claim("anomstack_batches", batches);
        }
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
        token.sign(new RSASSASigner(key));
        return token.serialize();
    }

    private static String sha256(String secret) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
