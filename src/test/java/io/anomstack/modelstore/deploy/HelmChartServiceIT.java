package io.anomstack.modelstore.deploy;

import io.anomstack.modelstore.support.ForkedService;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration the chart renders is one the service accepts: the service starts with exactly the environment the
 * rendered Deployment gives its container (ConfigMap and Secret resolved, the batch ConfigMap where it is mounted),
 * answers its probes, and the API keys from the chart's Secret authenticate with the roles and batches they were given.
 */
class HelmChartServiceIT {

    private static final String TRAINER_KEY = "ams_test_trainer_key";
    private static final String METRICS_KEY = "ams_test_metrics_key";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void theServiceRunsWithTheEnvironmentTheChartRendersAndTheSecretsKeysAuthenticate() throws Exception {
        try (S3ProxyBackend s3 = S3ProxyBackend.inMemory()) {
            s3.createBucket("all-features-models");
            // The S3 server of this test instead of Amazon S3; no CloudWatch here to export to.
            Manifests manifests = HelmChart.render(HelmChart.ALL_FEATURES,
                    Map.of("s3.endpoint", s3.endpoint().toString(), "cloudwatch.enabled", false));
            Map<String, String> environment = withMountedConfigMaps(manifests);

            ForkedService.Builder builder = ForkedService.fromClassPath().withoutEnv(name -> true)
                    .workingDirectory(dir).log(dir.resolve("service.log"));
            environment.forEach(builder::env);
            // A free port for the S3 API, as ForkedService picks one for SERVER_PORT: 9000 may be taken on a test machine.
            builder.env("MODELSTORE_S3API_PORT", "0");
            // On EKS the pod identity webhook adds the IRSA role's web-identity variables; S3Proxy takes static keys.
            builder.env("AWS_ACCESS_KEY_ID", s3.accessKey()).env("AWS_SECRET_ACCESS_KEY", s3.secretKey());

            try (ForkedService service = builder.start()) {
                JsonNode container = manifests.container();
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    assertThat(get(service, container.at("/" + probe + "/httpGet/path").asString(), null).statusCode())
                            .as(probe).isEqualTo(200);
                }

                HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(service.uri("/api/v1/models/prod_cpu/cpu"))
                        .header("Authorization", "Bearer " + TRAINER_KEY)
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofString("weights")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
                JsonNode descriptor = ModelStoreClient.json(upload.body());
                assertThat(descriptor.path("key").asString()).startsWith("models/production/prod_cpu/cpu/model_");
                assertThat(descriptor.path("storage_class").asString()).as("prod_cpu.yaml overrides s3.storageClass")
                        .isEqualTo("STANDARD");
                assertThat(ModelStoreClient.json(get(service, "/api/v1/models/prod_cpu/policy", TRAINER_KEY).body())
                        .path("compression").asString()).isEqualTo("gzip");

                assertThat(get(service, "/api/v1/models/prod_cpu/cpu/latest", null).statusCode()).isEqualTo(401);
                assertThat(get(service, "/api/v1/models/dev_cpu", TRAINER_KEY).statusCode()).as("outside prod_*").isEqualTo(403);

                HttpResponse<String> scrape = get(service, "/actuator/prometheus", METRICS_KEY);
                assertThat(scrape.statusCode()).isEqualTo(200);
                assertThat(scrape.body()).contains("modelstore_upload_seconds_count");
                // The alerts' metrics exist: an error was counted (the 401 and 403 above), the sweep's counters and
                // the breaker's gauge are registered at start-up.
                for (JsonNode rule : manifests.one("PrometheusRule").at("/spec/groups/0/rules")) {
                    assertThat(HelmChart.metricsOf(rule.path("expr").asString())).as(rule.path("alert").asString())
                            .allSatisfy(metric -> assertThat(scrape.body()).containsPattern("(?m)^" + metric + "[{ ]"));
                }
                assertThat(get(service, "/api/v1/models/prod_cpu/cpu/latest", METRICS_KEY).statusCode())
                        .as("the scrape key's batch pattern matches no batch").isEqualTo(403);
            }
        }
    }

    /**
     * The container's environment, with each ConfigMap volume written to a folder of its own and variables that name
     * its mount path pointed at that folder, as the kubelet's mount would make them.
     */
    private Map<String, String> withMountedConfigMaps(Manifests manifests) throws Exception {
        Map<String, String> environment = new LinkedHashMap<>(manifests.containerEnvironment());
        for (Map.Entry<String, Map<String, String>> mount : manifests.configMapMounts().entrySet()) {
            Path folder = Files.createDirectories(dir.resolve("mounts" + mount.getKey()));
            for (Map.Entry<String, String> file : mount.getValue().entrySet()) {
                Files.writeString(folder.resolve(file.getKey()), file.getValue());
            }
            environment.replaceAll((name, value) -> value.equals(mount.getKey()) ? folder.toString() : value);
        }
        assertThat(environment.get("MODELSTORE_BATCHES_DIR")).startsWith(dir.toString());
        return environment;
    }

    private static HttpResponse<String> get(ForkedService service, String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(service.uri(path));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
