package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model browser through the whole service with API keys and no anonymous access: its page and assets need no
 * key and carry a Content-Security-Policy that admits nothing but the service itself, the root leads to it, the data
 * behind it stays behind the keys, and {@code GET /api/v1/me} tells the page who the caller is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelBrowserIT {

    private static final String READER = "ui-reader-secret-0123456789";
    private static final String ADMIN = "ui-admin-secret-0123456789";

    private static final Map<String, String> CONTENT_TYPES = Map.of(".html", "text/html", ".js", "text/javascript", ".css", "text/css");

    private S3ProxyBackend backend;
    private RunningService service;

    @BeforeAll
    void start() {
        backend = S3ProxyBackend.inMemory();
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("browser")));
        properties.remove("modelstore.security.allow-anonymous");
        key(properties, 0, "scorer", READER, "reader", "prod_*,shared");
        key(properties, 1, "operator", ADMIN, "admin");
        service = RunningService.start(properties);
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        backend.close();
    }

    private static void key(Map<String, Object> properties, int index, String name, String secret, String role, String... batches) {
        String prefix = "modelstore.security.api-keys[" + index + "].";
        properties.put(prefix + "name", name);
        properties.put(prefix + "sha256", TestData.sha256(secret.getBytes(StandardCharsets.UTF_8)));
        properties.put(prefix + "role", role);
        if (batches.length > 0) {
            properties.put(prefix + "batches", String.join(",", batches));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/ui"})
    void theRootAndTheBarePathLeadToThePage(String path) {
        HttpResponse<String> answer = service.get(path);

        assertThat(answer.statusCode()).isEqualTo(302);
        assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/ui/"));
    }

    @Test
    void thePageIsServedWithoutAKeyUnderAStrictContentSecurityPolicy() {
        HttpResponse<String> page = service.get("/ui/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("<title>Models · Anomstack model store</title>", "src=\"app.js\"", "href=\"ui.css\"");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy -> assertThat(policy)
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval"));
        assertThat(page.headers().allValues("Set-Cookie")).as("no session, no cookie").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"index.html", "app.js", "api.js", "dom.js", "views.js", "model.js", "actions.js", "plot.js", "ui.css"})
    void everyAssetComesFromTheJar(String asset) {
        HttpResponse<String> answer = service.get("/ui/" + asset);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith(CONTENT_TYPES.get(asset.substring(asset.lastIndexOf('.')))));
        assertThat(answer.headers().firstValue("Content-Security-Policy")).isPresent();
        // The SVG namespace is a name, never fetched.
        assertThat(answer.body().replace("http://www.w3.org/2000/svg", "")).as("nothing is fetched from the internet")
                .doesNotContainPattern("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}");
    }

    @Test
    void theDataBehindThePageStillNeedsAKey() {
        assertThat(service.get("/api/v1/models").statusCode()).isEqualTo(401);
        assertThat(service.get("/api/v1/me").statusCode()).isEqualTo(401);
        assertThat(service.get("/swagger-ui.html").headers().firstValue("Content-Security-Policy"))
                .as("the page's policy is its own, Swagger UI keeps its headers").isEmpty();
    }

    @Test
    void meNamesTheKeyItsRoleAndItsBatches() {
        JsonNode reader = me(READER);
        assertThat(reader.path("name").asString()).isEqualTo("scorer");
        assertThat(reader.path("role").asString()).isEqualTo("reader");
        assertThat(reader.path("batches").valueStream().map(JsonNode::asString)).containsExactly("prod_*", "shared");
        assertThat(reader.path("anonymous").asBoolean()).isFalse();

        JsonNode admin = me(ADMIN);
        assertThat(admin.path("role").asString()).isEqualTo("admin");
        assertThat(admin.path("batches").valueStream().map(JsonNode::asString)).containsExactly("*");
    }

    @Test
    void aWrongKeyIsTurnedAwayFromMe() {
        HttpResponse<String> answer = service.send(HttpRequest.newBuilder(service.uri("/api/v1/me")).header("X-API-Key", "not-a-key"));

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    private JsonNode me(String key) {
        HttpResponse<String> answer = service.send(HttpRequest.newBuilder(service.uri("/api/v1/me")).header("X-API-Key", key));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json(answer.body());
    }
}
