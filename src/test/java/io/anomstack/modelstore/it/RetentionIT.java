package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static io.anomstack.modelstore.support.TestData.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/** A batch file's retention rule, applied on demand: never to the latest version nor to aliased ones. */
class RetentionIT {

    @TempDir
    Path batches;

    @Test
    void pruningKeepsTheNewestVersionsTheLatestAndTheAliasedOnesAndADryRunDeletesNothing() throws Exception {
        Files.writeString(batches.resolve("retained.yaml"), """
                metric_batch: "retained"
                model_store: s3
                model_store_params:
                  storage_class: "STANDARD"
                  retention: { keep_last: 2 }
                model_configs:
                  - model_name: PCA
                """);
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory()) {
            Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("retention")));
            properties.put("modelstore.batches-dir", batches.toString());
            try (RunningService service = RunningService.start(properties)) {
                ModelStoreClient client = new ModelStoreClient(service);
                List<String> versions = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    versions.add(json(client.uploadRaw("retained", "cpu", null, randomBytes(100 + i), null).body())
                            .get("version").asString());
                }
                put(service, "/api/v1/models/retained/cpu/latest", versions.get(0));
                put(service, "/api/v1/models/retained/cpu/aliases/production", versions.get(1));

                JsonNode dryRun = prune(service, "/api/v1/models/retained/cpu/prune?dry_run=true");
                assertThat(dryRun.get("dry_run").asBoolean()).isTrue();
                assertThat(dryRun.get("rule").get("keep_last").asInt()).isEqualTo(2);
                assertThat(strings(dryRun.get("pruned"))).containsExactly(versions.get(2));
                assertThat(strings(dryRun.get("kept"))).containsExactly(versions.get(4), versions.get(3));
                assertThat(strings(dryRun.get("protected"))).containsExactly(versions.get(1), versions.get(0));
                assertThat(client.getJson("/api/v1/models/retained/cpu/versions").get("versions")).hasSize(5);

                JsonNode pruned = prune(service, "/api/v1/models/retained/cpu/prune");
                assertThat(strings(pruned.get("pruned"))).containsExactly(versions.get(2));
                List<String> left = new ArrayList<>();
                client.getJson("/api/v1/models/retained/cpu/versions").get("versions")
                        .forEach(version -> left.add(version.get("version").asString()));
                assertThat(left).containsExactly(versions.get(4), versions.get(3), versions.get(1), versions.get(0));
                assertThat(client.getJson("/api/v1/models/retained/cpu/latest/metadata").get("version").asString())
                        .isEqualTo(versions.get(0));

                JsonNode policy = client.getJson("/api/v1/models/retained/policy");
                assertThat(policy.get("retention").get("keep_last").asInt()).isEqualTo(2);
                assertThat(policy.get("source").asString()).endsWith("retained.yaml");
                assertThat(client.getJson("/api/v1/models/other/policy").get("source").asString()).isEqualTo("defaults");

                client.uploadRaw("other", "cpu", null, randomBytes(10), null);
                client.uploadRaw("other", "cpu", null, randomBytes(11), null);
                assertThat(prune(service, "/api/v1/models/other/cpu/prune").get("pruned")).isEmpty();
            }
        }
    }

    private static JsonNode prune(RunningService service, String path) {
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(service.uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    private static void put(RunningService service, String path, String version) {
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(service.uri(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"version\": \"" + version + "\"}")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }
}
