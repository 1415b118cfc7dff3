package io.anomstack.modelstore.packaged;

import io.anomstack.modelstore.support.ExternalTools;
import io.anomstack.modelstore.support.ForkedService;
import io.anomstack.modelstore.support.S3Backend;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's documentation as it ships, from the packaged jar: the OpenAPI document, written to {@code target/openapi}
 * and attached to the build (classifier {@code openapi}), and Swagger UI driven in a real Chromium by
 * {@code src/test/node/swagger-ui.test.mjs} (screenshots in {@code target/browser}). The service runs against a bucket
 * (not local mode) with one admin key and no anonymous access, so every call the browser gets through used the key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SwaggerUiBrowserPackagedIT {

    private static final String KEY_NAME = "swagger-admin";
    private static final String KEY = "swagger-ui-secret-0123456789";
    private static final Path OPENAPI = Path.of("target", "openapi");
    private static final Path BROWSER = Path.of("target", "browser");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private S3ProxyBackend backend;
    private ForkedService service;

    @BeforeAll
    void start() throws Exception {
        backend = S3ProxyBackend.inMemory();
        Files.createDirectories(BROWSER);
        service = ForkedService.fromJar()
                .withoutServiceEnv()
                .env("S3_BUCKET_NAME", backend.createBucket("swagger-ui"))
                .env("S3_ENDPOINT", backend.endpoint().toString())
                .env("AWS_REGION", S3Backend.REGION)
                .env("AWS_ACCESS_KEY_ID", backend.accessKey())
                .env("AWS_SECRET_ACCESS_KEY", backend.secretKey())
                .env("CLOUDWATCH_ENABLED", "false")
                .env("MODELSTORE_SECURITY_APIKEYS_0_NAME", KEY_NAME)
                .env("MODELSTORE_SECURITY_APIKEYS_0_SHA256", TestData.sha256(KEY.getBytes(StandardCharsets.UTF_8)))
                .env("MODELSTORE_SECURITY_APIKEYS_0_ROLE", "admin")
                .log(BROWSER.resolve("service.log"))
                .start();
    }

    @AfterAll
    void stop() throws Exception {
        try (S3ProxyBackend closing = backend) {
            if (service != null) {
                service.close();
            }
        }
    }

    @Test
    void theOpenApiDocumentIsWrittenAsABuildArtifact() throws Exception {
        HttpResponse<String> json = get("/v3/api-docs");
        HttpResponse<String> yaml = get("/v3/api-docs.yaml");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(yaml.statusCode()).isEqualTo(200);

        JsonNode document = JSON.readTree(json.body());
        assertThat(document.path("openapi").asString()).startsWith("3.");
        JsonNode paths = document.path("paths");
        assertThat(paths.path("/api/v1/models/{batch}/{metric}").path("post").path("requestBody").path("content")
                .propertyNames()).contains("application/octet-stream", "multipart/form-data");
        assertThat(paths.path("/api/v1/models/{batch}/{metric}/latest").path("get").path("operationId").asString()).isEqualTo("latest");
        assertThat(paths.path("/api/v1/models/{batch}/{metric}/versions").has("get")).isTrue();
        assertThat(paths.path("/api/v1/models/{batch}/{metric}/versions/{version}").has("get")).isTrue();
        JsonNode bearer = document.path("components").path("securitySchemes").path("bearer");
        assertThat(bearer.path("type").asString()).isEqualTo("http");
        assertThat(bearer.path("scheme").asString()).isEqualTo("bearer");
        assertThat(document.path("security").findValues("bearer")).isNotEmpty();

        Map<String, Object> fromYaml = new Yaml().load(yaml.body());
        assertThat(fromYaml).containsEntry("openapi", document.path("openapi").asString());
        @SuppressWarnings("unchecked")
        Set<String> yamlPaths = ((Map<String, Object>) fromYaml.get("paths")).keySet();
        assertThat(yamlPaths).containsExactlyInAnyOrderElementsOf(paths.propertyNames());

        Files.createDirectories(OPENAPI);
        Files.writeString(OPENAPI.resolve("openapi.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
        Files.writeString(OPENAPI.resolve("openapi.yaml"), yaml.body());
    }

    @Test
    void swaggerUiAuthorizesUploadsListsAndDownloadsInARealBrowser() throws Exception {
        ExternalTools.requireNodePackage("playwright-core");
        Path chromium = ExternalTools.chromium();
        Path node = ExternalTools.onPath("node");
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(service.uri("/api/v1/models/swagger_ui/cpu_usage"))
                .POST(HttpRequest.BodyPublishers.ofString("weights")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).as("an upload without the key").isEqualTo(401);

        long started = System.nanoTime();
        ExternalTools.Result script = ExternalTools.run(List.of(node.toString(), "swagger-ui.test.mjs"), ExternalTools.NODE_PROJECT,
                Map.of("MODELSTORE_URL", service.base().toString(), "MODELSTORE_API_KEY", KEY,
                        "SCREENSHOT_DIR", BROWSER.toAbsolutePath().toString(), "CHROMIUM", chromium.toString()),
                Duration.ofMinutes(3));
        System.out.printf("swagger-ui.test.mjs (%d s):%n%s", Duration.ofNanos(System.nanoTime() - started).toSeconds(), script.output());

        assertThat(script.exitCode()).as(script.output()).isZero();
        assertThat(BROWSER).isDirectoryContaining("glob:**/2-upload.png").isDirectoryContaining("glob:**/4-latest.png");
        assertThat(service.logText()).as("the request log names the key the browser sent")
                .containsPattern("upload POST /api/v1/models/swagger_ui/cpu_usage -> 201 principal=" + KEY_NAME)
                .containsPattern("download GET /api/v1/models/swagger_ui/cpu_usage/latest -> 200 principal=" + KEY_NAME);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(service.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
