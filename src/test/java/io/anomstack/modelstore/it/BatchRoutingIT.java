package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static io.anomstack.modelstore.support.TestData.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch file that names its own bucket, region and prefix sends every object of that batch there, through a
 * client of that region, while the other batches stay in the service's bucket; the API shows them all as one.
 */
class BatchRoutingIT {

    private static final Map<String, Set<String>> REGIONS_BY_BUCKET = new ConcurrentHashMap<>();

    @TempDir
    Path batches;

    @Test
    void aBatchWithItsOwnBucketRegionAndPrefixIsStoredThereAndListedWithTheOthers() throws Exception {
        Files.writeString(batches.resolve("team_b.yaml"), """
                metric_batch: "team_b"
                model_store: s3
                model_store_params:
                  bucket_name: "team-b-models"
                  prefix: "team-b/models/"
                  region: "eu-west-1"
                """);
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory(); S3Client s3 = backend.client()) {
            backend.createBucket("team-b-models");
            Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("home-models")));
            properties.put("modelstore.batches-dir", batches.toString());
            try (RunningService service = RunningService.start(properties, RegionRecorder.class)) {
                ModelStoreClient client = new ModelStoreClient(service);
                byte[] routed = randomBytes(3000);
                String routedVersion = json(client.uploadRaw("team_b", "cpu", null, routed, null).body())
                        .get("version").asString();
                String homeVersion = json(client.uploadRaw("home", "cpu", null, randomBytes(2000), null).body())
                        .get("version").asString();

                assertThat(keys(s3, "team-b-models")).containsExactlyInAnyOrder(
                        "team-b/models/team_b/cpu/_latest.json",
                        "team-b/models/team_b/cpu/_sequence.json",
                        "team-b/models/team_b/cpu/metadata_" + routedVersion + ".json",
                        "team-b/models/team_b/cpu/model_" + routedVersion + ".pkl");
                assertThat(keys(s3, "home-models")).containsExactlyInAnyOrder(
                        "models/home/cpu/_latest.json",
                        "models/home/cpu/_sequence.json",
                        "models/home/cpu/metadata_" + homeVersion + ".json",
                        "models/home/cpu/model_" + homeVersion + ".pkl");
                assertThat(REGIONS_BY_BUCKET.get("team-b-models")).containsOnly("eu-west-1");
                assertThat(REGIONS_BY_BUCKET.get("home-models")).containsOnly("us-east-1");

                JsonNode latest = client.getJson("/api/v1/models/team_b/cpu/latest/metadata");
                assertThat(latest.get("bucket").asString()).isEqualTo("team-b-models");
                assertThat(latest.get("key").asString()).startsWith("team-b/models/team_b/cpu/model_");
                assertThat(client.download("/api/v1/models/team_b/cpu/latest").body()).isEqualTo(routed);
                assertThat(strings(client.getJson("/api/v1/models").get("batches"))).containsExactly("home", "team_b");
                assertThat(client.getJson("/api/v1/models/team_b").get("models")).hasSize(1);
                assertThat(client.getJson("/api/v1/models/team_b/policy").get("bucket").asString()).isEqualTo("team-b-models");

                JsonNode health = client.getJson("/actuator/health");
                assertThat(health.get("status").asString()).isEqualTo("UP");
                JsonNode targets = health.get("components").get("s3").get("details").get("batch_targets");
                assertThat(targets.get(0).get("bucket").asString()).isEqualTo("team-b-models");
                assertThat(targets.get(0).get("region").asString()).isEqualTo("eu-west-1");
                assertThat(targets.get(0).get("circuit_breaker").asString()).isEqualTo("closed");

                assertThat(client.delete("/api/v1/models/team_b/cpu").statusCode()).isEqualTo(204);
                assertThat(keys(s3, "team-b-models")).isEmpty();
                assertThat(keys(s3, "home-models")).hasSize(4);
            }
        }
    }

    private static List<String> keys(S3Client s3, String bucket) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    /** Notes the region each bucket's requests are signed for. Not a {@code @Configuration}: see S3RequestCounter. */
    static class RegionRecorder {

        @Bean
        ExecutionInterceptor regionRecorder() {
            return new ExecutionInterceptor() {
                @Override
                public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                    context.request().getValueForField("Bucket", String.class).ifPresent(bucket ->
                            REGIONS_BY_BUCKET.computeIfAbsent(bucket, b -> ConcurrentHashMap.newKeySet())
                                    .add(attributes.getAttribute(AwsExecutionAttribute.AWS_REGION).id()));
                }
            };
        }
    }
}
