package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/** With no configuration at all the service runs in local mode: a newcomer can upload and download at once. */
class ZeroConfigIT {

    @TempDir
    Path dataDir;

    @Test
    void uploadLatestAndDownloadWorkWithNothingConfigured() throws Exception {
        try (RunningService service = RunningService.start(Map.of("modelstore.data-dir", dataDir.toString()))) {
            ModelStoreClient client = new ModelStoreClient(service);
            byte[] model = "a pickled PCA model".getBytes(StandardCharsets.UTF_8);

            HttpResponse<String> upload = client.uploadRaw("my_batch", "cpu_usage", null, model, "{\"n_components\": 3}");
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
            String version = json(upload.body()).get("version").asString();

            HttpResponse<byte[]> latest = client.download("/api/v1/models/my_batch/cpu_usage/latest");
            assertThat(latest.statusCode()).isEqualTo(200);
            assertThat(latest.body()).isEqualTo(model);
            assertThat(latest.headers().firstValue("X-Model-Version")).hasValue(version);

            assertThat(dataDir.resolve("anomstack-models/models/my_batch/cpu_usage/model_" + version + ".pkl"))
                    .exists().hasBinaryContent(model);
            assertThat(Files.exists(dataDir.resolve("anomstack-models/models/my_batch/cpu_usage/metadata_" + version + ".json"))).isTrue();

            JsonNode me = json(service.get("/api/v1/me").body());
            assertThat(me.get("role").asString()).as("the model browser needs no key here").isEqualTo("admin");
            assertThat(me.get("anonymous").asBoolean()).isTrue();
            assertThat(service.get("/").headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).endsWith("/ui/"));

            JsonNode health = json(service.get("/actuator/health").body());
            assertThat(health.get("status").asString()).isEqualTo("UP");
            assertThat(health.get("components").get("s3").get("details").get("mode").asString()).isEqualTo("local");
            JsonNode info = json(service.get("/actuator/info").body());
            assertThat(info.get("storage").get("bucket").asString()).isEqualTo("anomstack-models");
            assertThat(info.get("build").get("version").asString()).isNotBlank();
        }
    }
}
