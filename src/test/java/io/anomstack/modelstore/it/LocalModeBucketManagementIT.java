package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bucket management in local mode: the embedded S3Proxy (filesystem) implements none of the bucket configuration
 * requests (501), so every step but the bucket itself is unsupported, and the service works as ever.
 */
class LocalModeBucketManagementIT {

    @TempDir
    Path dataDir;

    @Test
    void everyPartTheEmbeddedServerLacksIsUnsupportedAndNothingFails() {
        try (RunningService service = RunningService.start(Map.of(
                "modelstore.data-dir", dataDir.toString(),
                "modelstore.bucket.manage", "true"))) {
            HttpResponse<String> response = service.send(HttpRequest.newBuilder(service.uri("/api/v1/admin/bucket/reconcile"))
                    .POST(HttpRequest.BodyPublishers.noBody()));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            Map<String, String> outcomes = new LinkedHashMap<>();
            json(response.body()).get("buckets").get(0).get("steps")
                    .forEach(step -> outcomes.put(step.get("step").asString(), step.get("outcome").asString()));
            assertThat(outcomes).containsExactly(
                    Map.entry("bucket", "unchanged"), Map.entry("versioning", "unsupported"),
                    Map.entry("public_access_block", "unsupported"), Map.entry("encryption", "unsupported"),
                    Map.entry("lifecycle", "unsupported"), Map.entry("lifecycle_transitions", "unsupported"));
            JsonNode state = json(service.get("/api/v1/admin/bucket").body()).get("buckets").get(0);
            assertThat(state.get("bucket").asString()).isEqualTo("anomstack-models");
            assertThat(state.get("versioning").get("actual").asString()).isEqualTo("Disabled");
            assertThat(state.get("lifecycle").get("probe").asString()).isEqualTo("unsupported");
            HttpResponse<String> upload = new ModelStoreClient(service).uploadRaw("my_batch", "cpu", null, new byte[] {1, 2, 3}, null);
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        }
    }
}
