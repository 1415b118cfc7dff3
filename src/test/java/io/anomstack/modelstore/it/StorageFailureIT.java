package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.FailingUploadPart;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3Backend;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When S3 fails the service says so precisely: 503 with Retry-After when S3 cannot be reached, 502 naming
 * bucket and region when S3 refuses the service, and health turns DOWN with the reason.
 */
class StorageFailureIT {

    private static S3ProxyBackend backend;

    @BeforeAll
    static void startBackend() {
        backend = S3ProxyBackend.inMemory();
    }

    @AfterAll
    static void stopBackend() throws Exception {
        backend.close();
    }

    @Test
    void unreachableS3IsA503WithRetryAfterAndHealthDown() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties("unreachable-bucket"));
        properties.put("modelstore.s3.endpoint", "http://127.0.0.1:" + closedPort);
        try (RunningService service = RunningService.start(properties)) {
            ModelStoreClient client = new ModelStoreClient(service);

            for (HttpResponse<String> response : java.util.List.of(
                    client.get("/api/v1/models/b/m/latest"),
                    client.uploadRaw("b", "m", null, new byte[] {1, 2, 3}, null),
                    client.get("/api/v1/models"))) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(json(response.body()).get("detail").asString())
                        .contains("unreachable-bucket").contains(S3Backend.REGION).doesNotContain("Exception");
            }
            HttpResponse<String> health = service.get("/actuator/health");
            assertThat(health.statusCode()).isEqualTo(503);
            JsonNode s3 = json(health.body()).get("components").get("s3");
            assertThat(s3.get("status").asString()).isEqualTo("DOWN");
            assertThat(s3.get("details").get("bucket").asString()).isEqualTo("unreachable-bucket");
        }
    }

    @Test
    void anS3FailureMidUploadAbortsItLeavingNoVersionAndNoMultipartUpload() {
        String bucket = backend.createBucket("failing-parts");
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(bucket));
        properties.put("modelstore.s3.part-size", "5MB");
        try (RunningService service = RunningService.start(properties, FailingUploadPart.Registration.class);
             S3Client s3 = backend.client()) {
            ModelStoreClient client = new ModelStoreClient(service);
            byte[] model = new byte[12 * 1024 * 1024];
            new java.util.Random(7).nextBytes(model);

            HttpResponse<String> response = client.uploadRaw("b", "m", null, model, null);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(s3.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
            assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).as("only the model's version sequence is left")
                    .extracting(S3Object::key).containsOnly("models/b/m/_sequence.json");
            assertThat(client.get("/api/v1/models/b/m/latest").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aMissingBucketIsA502NamingBucketAndRegion() {
        try (RunningService service = RunningService.start(backend.serviceProperties("no-such-bucket"))) {
            ModelStoreClient client = new ModelStoreClient(service);

            for (HttpResponse<String> response : java.util.List.of(
                    client.get("/api/v1/models/b/m/latest"),
                    client.uploadRaw("b", "m", null, new byte[] {1, 2, 3}, null))) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(json(response.body()).get("detail").asString())
                        .contains("'no-such-bucket'").contains(S3Backend.REGION).contains("does not exist");
            }
        }
    }

    @Test
    void rejectedCredentialsAreA502NamingBucketAndRegion() {
        String bucket = backend.createBucket("guarded-bucket");
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(bucket));
        properties.put("spring.cloud.aws.credentials.secret-key", "wrong-secret");
        try (RunningService service = RunningService.start(properties)) {
            HttpResponse<String> response = new ModelStoreClient(service).get("/api/v1/models/b/m/versions");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
            assertThat(json(response.body()).get("detail").asString())
                    .contains("'guarded-bucket'").contains(S3Backend.REGION).contains("credentials");
            assertThat(response.body()).doesNotContain("wrong-secret");
            assertThat(json(service.get("/actuator/health").body()).get("status").asString()).isEqualTo("DOWN");
        }
    }
}
