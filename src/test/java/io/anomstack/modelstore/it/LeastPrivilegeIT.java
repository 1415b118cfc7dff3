package io.anomstack.modelstore.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static io.anomstack.modelstore.support.TestData.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service with exactly the design's IAM policy (s3:GetObject, s3:PutObject, s3:DeleteObject, s3:ListBucket):
 * every core feature works, and what needs more degrades with one warning per missing permission.
 */
class LeastPrivilegeIT {

    /** The S3 operations the four permissions allow; S3 answers AccessDenied to every other one. */
    private static final Set<String> CORE_OPERATIONS = Set.of(
            "GetObject", "HeadObject",                                                  // s3:GetObject
            "PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", // s3:PutObject
            "DeleteObject", "DeleteObjects",                                            // s3:DeleteObject
            "ListObjectsV2", "HeadBucket");                                             // s3:ListBucket

    private static final List<String> DENIED = new CopyOnWriteArrayList<>();
    private static final AtomicBoolean FAIL_SECOND_PART = new AtomicBoolean();

    @Test
    void theCorePolicyIsEnoughAndMissingExtrasAreLoggedOnceAndShown() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory(); S3Client s3 = backend.client()) {
            String bucket = backend.createBucket("least-privilege");
            Map<String, Object> properties = new HashMap<>(backend.serviceProperties(bucket));
            properties.put("modelstore.retention.keep-last", "1");
            try (RunningService service = RunningService.start(properties, CorePolicyOnly.class)) {
                // Attached once the service runs: Spring Boot sets logging up afresh when it starts.
                ((Logger) LoggerFactory.getLogger("io.anomstack.modelstore.s3.MissingPermissions")).addAppender(logs);
                ModelStoreClient client = new ModelStoreClient(service);
                byte[] large = randomBytes(20 * 1024 * 1024);
                String first = version(client.uploadRaw("core", "cpu", null, randomBytes(1000), "{\"n\": 1}"));
                String second = version(client.uploadRaw("core", "cpu", null, large, null));
                String third = version(client.uploadRaw("core", "cpu", "pca", randomBytes(500), null));

                assertThat(client.download("/api/v1/models/core/cpu/latest").body()).isEqualTo(large);
                assertThat(client.getJson("/api/v1/models/core/cpu/versions").get("versions")).hasSize(2);
                assertThat(client.getJson("/api/v1/models/core").get("models")).hasSize(2);
                assertThat(client.getJson("/api/v1/models").get("batches").get(0).asString()).isEqualTo("core");
                assertThat(send(service, "PUT", "/api/v1/models/core/cpu/aliases/production", first)).isEqualTo(200);
                assertThat(client.download("/api/v1/models/core/cpu/aliases/production").statusCode()).isEqualTo(200);
                assertThat(send(service, "PUT", "/api/v1/models/core/cpu/latest", first)).isEqualTo(200);
                assertThat(send(service, "PUT", "/api/v1/models/core/cpu/latest", second)).isEqualTo(200);
                assertThat(send(service, "DELETE", "/api/v1/models/core/cpu/aliases/production", null)).isEqualTo(204);
                JsonNode pruned = json(service.send(HttpRequest.newBuilder(
                        service.uri("/api/v1/models/core/cpu/prune?dry_run=false")).POST(HttpRequest.BodyPublishers.noBody())).body());
                assertThat(pruned.get("pruned").valueStream().map(JsonNode::asString).toList()).containsExactly(first);
                String fourth = version(client.uploadRaw("core", "cpu", null, randomBytes(700), null));
                assertThat(client.delete("/api/v1/models/core/cpu/versions/" + fourth).statusCode()).isEqualTo(204);
                assertThat(client.delete("/api/v1/models/core/cpu?tag=pca").statusCode()).isEqualTo(204);
                assertThat(third).isNotBlank();

                FAIL_SECOND_PART.set(true);
                for (int attempt = 0; attempt < 2; attempt++) {
                    assertThat(client.uploadRaw("core", "cpu", null, large, null).statusCode()).isEqualTo(503);
                }
                FAIL_SECOND_PART.set(false);
                assertThat(client.getJson("/api/v1/models/core/cpu/latest/metadata").get("version").asString())
                        .isEqualTo(second);
                // Without s3:AbortMultipartUpload the failed uploads' parts stay, unlisted, for the lifecycle rule.
                assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).hasSize(2);

                JsonNode health = client.getJson("/actuator/health");
                assertThat(health.get("status").asString()).isEqualTo("UP");
                assertThat(health.get("components").get("s3").get("details").get("missing_permissions").valueStream()
                        .map(JsonNode::asString).toList())
                        .containsExactly("s3:AbortMultipartUpload on " + bucket, "s3:GetBucketVersioning on " + bucket,
                                "s3:ListBucketMultipartUploads on " + bucket);
            }
        }
        assertThat(DENIED).contains("AbortMultipartUpload", "GetBucketVersioning", "ListMultipartUploads");
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(message -> message.contains("s3:AbortMultipartUpload")).hasSize(1);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(message -> message.contains("s3:GetBucketVersioning")).hasSize(1);
    }

    private static String version(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response.body()).get("version").asString();
    }

    private static int send(RunningService service, String method, String path, String version) {
        HttpRequest.BodyPublisher body = version == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString("{\"version\": \"" + version + "\"}");
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(service.uri(path))
                .header("Content-Type", "application/json").method(method, body));
        return response.statusCode();
    }

    /** S3 as an IAM identity with the core policy sees it. Not a {@code @Configuration}: see S3RequestCounter. */
    static class CorePolicyOnly {

        @Bean
        ExecutionInterceptor corePolicyOnly() {
            return new ExecutionInterceptor() {
                @Override
                public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
                    if (!CORE_OPERATIONS.contains(operation)) {
                        DENIED.add(operation);
                        throw S3Exception.builder().statusCode(403).message("Access Denied")
                                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied")
                                        .errorMessage("Access Denied").serviceName("S3").build())
                                .build();
                    }
                    if (FAIL_SECOND_PART.get() && context.request() instanceof UploadPartRequest part
                            && part.partNumber() == 2) {
                        throw SdkClientException.create("Connection reset (injected by the test)");
                    }
                }
            };
        }
    }
}
