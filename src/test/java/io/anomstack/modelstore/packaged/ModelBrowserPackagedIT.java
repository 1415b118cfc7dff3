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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model browser as it ships, from the packaged jar, in a real Chromium driven by
 * {@code src/test/node/model-browser.test.mjs}: three versions uploaded through the API, then an operator with an
 * admin key walks batch → model → versions by their visible names, rolls back to the first version through the
 * page and then to the second (both rollbacks stay on the plot and in the moves of latest), and pages through a tagged
 * model's twelve versions; a reader's key sees the same pages without a single admin
 * action; a 375 px window still fits. The service
 * runs against a bucket with keys and no anonymous access, so every call the page made carried the key it was given.
 * Screenshots go to {@code target/browser}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelBrowserPackagedIT {

    private static final String ADMIN = "browser-admin-secret-0123456789";
    private static final String READER = "browser-reader-secret-0123456789";
    private static final String BATCH = "ui_demo";
    private static final String METRIC = "cpu_usage";
    /** A tagged model with more versions than one page of the browser (ten) holds. */
    private static final String PAGED_METRIC = "memory";
    private static final String PAGED_TAG = "pca_default";
    private static final int PAGED_VERSIONS = 12;
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
                .env("S3_BUCKET_NAME", backend.createBucket("model-browser"))
                .env("S3_ENDPOINT", backend.endpoint().toString())
                .env("AWS_REGION", S3Backend.REGION)
                .env("AWS_ACCESS_KEY_ID", backend.accessKey())
                .env("AWS_SECRET_ACCESS_KEY", backend.secretKey())
                .env("CLOUDWATCH_ENABLED", "false")
                .env("MODELSTORE_SECURITY_APIKEYS_0_NAME", "operator")
                .env("MODELSTORE_SECURITY_APIKEYS_0_SHA256", TestData.sha256(ADMIN.getBytes(StandardCharsets.UTF_8)))
                .env("MODELSTORE_SECURITY_APIKEYS_0_ROLE", "admin")
                .env("MODELSTORE_SECURITY_APIKEYS_1_NAME", "scorer")
                .env("MODELSTORE_SECURITY_APIKEYS_1_SHA256", TestData.sha256(READER.getBytes(StandardCharsets.UTF_8)))
                .env("MODELSTORE_SECURITY_APIKEYS_1_ROLE", "reader")
                .log(BROWSER.resolve("model-browser-service.log"))
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
    void anOperatorRollsBackThroughThePageAndAReaderSeesNoAdminActions() throws Exception {
        ExternalTools.requireNodePackage("playwright-core");
        Path chromium = ExternalTools.chromium();
        Path node = ExternalTools.onPath("node");
        List<String> versions = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            versions.add(upload(METRIC, ("model weights, version " + i + " ").repeat(200 * i),
                    "{\"python\": \"3.12.4\", \"scikit-learn\": \"1.5." + i + "\", \"n_components\": " + i + "}"));
        }
        assertThat(latestVersion()).isEqualTo(versions.get(2));
        for (int i = 1; i <= PAGED_VERSIONS; i++) {
            upload(PAGED_METRIC + "?tag=" + PAGED_TAG, "memory model " + i, "{}");
        }

        Map<String, String> environment = new HashMap<>(Map.of("MODELSTORE_URL", service.base().toString(),
                "ADMIN_KEY", ADMIN, "READER_KEY", READER, "BATCH", BATCH, "METRIC", METRIC,
                "VERSIONS", String.join(",", versions),
                "SCREENSHOT_DIR", BROWSER.toAbsolutePath().toString(), "CHROMIUM", chromium.toString()));
        environment.putAll(Map.of("PAGED_METRIC", PAGED_METRIC, "PAGED_TAG", PAGED_TAG,
                "PAGED_VERSIONS", String.valueOf(PAGED_VERSIONS)));

        long started = System.nanoTime();
        ExternalTools.Result script = ExternalTools.run(List.of(node.toString(), "model-browser.test.mjs"),
                ExternalTools.NODE_PROJECT, environment, Duration.ofMinutes(3));
        System.out.printf("model-browser.test.mjs (%d s):%n%s", Duration.ofNanos(System.nanoTime() - started).toSeconds(),
                script.output());

        assertThat(script.exitCode()).as(script.output()).isZero();
        JsonNode latest = JSON.readTree(get("/api/v1/models/" + BATCH + "/" + METRIC + "/latest/metadata").body());
        assertThat(latest.path("version").asString()).as("latest after the page's second rollback").isEqualTo(versions.get(1));
        assertThat(latest.path("pinned").asBoolean()).isTrue();
        JsonNode moves = JSON.readTree(get("/api/v1/models/" + BATCH + "/" + METRIC + "/latest/history").body()).path("changes");
        assertThat(moves.valueStream().limit(2).map(move -> move.path("version").asString() + " " + move.path("cause").asString()))
                .as("the page's rollbacks, newest first")
                .containsExactly(versions.get(1) + " rollback", versions.get(0) + " rollback");
        assertThat(BROWSER).isDirectoryContaining("glob:**/ui-3-versions.png")
                .isDirectoryContaining("glob:**/ui-5-rolled-back.png")
                .isDirectoryContaining("glob:**/ui-5-rolled-back-twice.png")
                .isDirectoryContaining("glob:**/ui-6-reader.png")
                .isDirectoryContaining("glob:**/ui-7-narrow.png");
        assertThat(service.logText()).as("the page's rollback went out with the admin key")
                .containsPattern("PUT /api/v1/models/" + BATCH + "/" + METRIC + "/latest -> 200 principal=operator");
    }

    private String upload(String metric, String body, String metadata) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(service.uri("/api/v1/models/" + BATCH + "/" + metric))
                .header("X-API-Key", ADMIN).header("Content-Type", "application/octet-stream")
                .header("X-Model-Metadata", metadata)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).path("version").asString();
    }

    private String latestVersion() throws Exception {
        return JSON.readTree(get("/api/v1/models/" + BATCH + "/" + METRIC + "/latest/metadata").body()).path("version").asString();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(service.uri(path)).header("X-API-Key", ADMIN).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
