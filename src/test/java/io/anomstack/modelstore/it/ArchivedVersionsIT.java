package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.RestoreObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static io.anomstack.modelstore.support.TestData.lowEntropyBytes;
import static io.anomstack.modelstore.support.TestData.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Versions whose model objects a lifecycle rule archived, through the running service. S3Proxy stores the objects;
 * an SDK interceptor plays S3's archive: GetObject of an archived key fails with 403 InvalidObjectState, HeadObject
 * reports the storage class and x-amz-restore, RestoreObject is recorded and answered as S3 answers it. (S3Mock
 * 5.2.3 has no RestoreObject and serves GLACIER objects like any other.)
 */
@ExtendWith(OutputCaptureExtension.class)
class ArchivedVersionsIT {

    private static final String EXPIRY = "Fri, 05 Dec 2031 00:00:00 GMT";

    @Test
    void anArchivedVersionAnswers409UntilRestoredAndTheRestoreEndpointDrivesS3(CapturedOutput output) throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory();
             RunningService service = RunningService.start(backend.serviceProperties(backend.createBucket("archive")),
                     S3Archive.Registration.class)) {
            ModelStoreClient client = new ModelStoreClient(service);
            S3Archive archive = service.context().getBean(S3Archive.class);
            byte[] old = randomBytes(2000);
            JsonNode oldVersion = json(client.uploadRaw("arch", "cpu", null, old, null).body());
            JsonNode newVersion = json(client.uploadRaw("arch", "cpu", null, randomBytes(3000), null).body());
            String v1 = oldVersion.get("version").asString();
            String base = "/api/v1/models/arch/cpu/versions/" + v1;
            archive.archive(oldVersion.get("key").asString(), "GLACIER", null);

            // Downloads, whole or ranged, say what happened and how to restore.
            for (HttpResponse<String> refused : List.of(client.get(base), service.send(HttpRequest.newBuilder(service.uri(base))
                    .header("Range", "bytes=0-9").GET()))) {
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
                assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                JsonNode problem = json(refused.body());
                assertThat(problem.get("type").asString()).isEqualTo("urn:anomstack:model-store:problem:model-archived");
                assertThat(problem.get("storage_class").asString()).isEqualTo("GLACIER");
                assertThat(problem.get("restore").asString()).isEqualTo("none");
                assertThat(problem.get("restore_url").asString()).isEqualTo(base + "/restore");
                assertThat(problem.get("restore_tiers").get("Expedited").asString()).isEqualTo("1-5 minutes");
                assertThat(problem.get("detail").asString()).contains("archived in GLACIER",
                        "POST " + base + "/restore?days=7&tier=Standard", "Standard 3-5 hours", "Bulk 5-12 hours");
            }
            // The recorded storage class is what it was written in; the archive object is S3's view now.
            JsonNode described = client.getJson(base + "/metadata");
            assertThat(described.get("storage_class").asString()).isEqualTo("STANDARD");
            assertThat(described.get("archive").get("storage_class").asString()).isEqualTo("GLACIER");
            assertThat(described.get("archive").get("archived").asBoolean()).isTrue();
            assertThat(described.get("archive").get("readable").asBoolean()).isFalse();
            assertThat(described.get("archive").get("restore").asString()).isEqualTo("none");
            assertThat(client.getJson("/api/v1/models/arch/cpu/versions/" + newVersion.get("version").asString() + "/metadata")
                    .get("archive").get("archived").asBoolean()).isFalse();
            assertThat(client.getJson("/api/v1/models/arch/cpu/versions").get("versions").get(1).has("archive")).isFalse();
            // Scorers downloading latest or an alias must not be pointed at bytes S3 will not serve.
            assertThat(put(service, "/api/v1/models/arch/cpu/latest", v1).statusCode()).isEqualTo(409);
            assertThat(put(service, "/api/v1/models/arch/cpu/aliases/production", v1).statusCode()).isEqualTo(409);
            assertThat(client.download("/api/v1/models/arch/cpu/latest").statusCode()).isEqualTo(200);

            assertThat(post(service, base + "/restore?days=0").statusCode()).isEqualTo(400);
            assertThat(post(service, base + "/restore?tier=Fast").statusCode()).isEqualTo(400);
            HttpResponse<String> notArchived = post(service, "/api/v1/models/arch/cpu/versions/"
                    + newVersion.get("version").asString() + "/restore");
            assertThat(notArchived.statusCode()).isEqualTo(400);
            assertThat(json(notArchived.body()).get("detail").asString()).contains("is not archived");
            assertThat(archive.restores()).isEmpty();

            HttpResponse<String> started = post(service, base + "/restore?days=3&tier=bulk");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            assertThat(json(started.body()).get("status").asString()).isEqualTo("in_progress");
            assertThat(json(started.body()).get("days").asInt()).isEqualTo(3);
            assertThat(json(started.body()).get("typical_duration").asString()).isEqualTo("5-12 hours");
            assertThat(archive.restores()).containsExactly(oldVersion.get("key").asString() + " days=3 tier=Bulk");

            JsonNode inProgress = json(client.get(base).body());
            assertThat(inProgress.get("restore").asString()).isEqualTo("in_progress");
            assertThat(inProgress.get("detail").asString()).contains("A restore is in progress").doesNotContain("POST");
            HttpResponse<String> again = post(service, base + "/restore?days=3&tier=Bulk");
            assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
            assertThat(json(again.body()).get("status").asString()).isEqualTo("in_progress");

            archive.finishRestore(oldVersion.get("key").asString());
            assertThat(client.download(base).body()).isEqualTo(old);
            JsonNode restored = client.getJson(base + "/metadata").get("archive");
            assertThat(restored.get("readable").asBoolean()).isTrue();
            assertThat(restored.get("restore").asString()).isEqualTo("restored");
            assertThat(restored.get("restored_until").asString()).isEqualTo("2031-12-05T00:00:00Z");
            HttpResponse<String> extended = post(service, base + "/restore?days=30");
            assertThat(extended.statusCode()).as(extended.body()).isEqualTo(200);
            assertThat(json(extended.body()).get("status").asString()).isEqualTo("restored");
            assertThat(json(extended.body()).get("archive").get("restored_until").asString()).isEqualTo("2031-12-05T00:00:00Z");
            assertThat(put(service, "/api/v1/models/arch/cpu/latest", v1).statusCode()).isEqualTo(200);

            // What the metadata document holds never includes the live state.
            assertThat(client.getJson("/api/v1/models/arch/cpu/latest/metadata").has("archive")).isFalse();
        }
    }

    @Test
    void deepArchivesIntelligentTieringCompressedModelsBundlesAndAMissingPermission(CapturedOutput output) throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory();
             RunningService service = RunningService.start(backend.serviceProperties(backend.createBucket("archive")),
                     S3Archive.Registration.class)) {
            ModelStoreClient client = new ModelStoreClient(service);
            S3Archive archive = service.context().getBean(S3Archive.class);
            JsonNode deep = json(client.uploadRaw("deep", "cpu", "pca", randomBytes(1000), null).body());
            archive.archive(deep.get("key").asString(), "DEEP_ARCHIVE", null);
            String deepBase = "/api/v1/models/deep/cpu/versions/" + deep.get("version").asString();

            JsonNode problem = json(client.get(deepBase + "?tag=pca").body());
            assertThat(problem.get("restore_url").asString()).isEqualTo(deepBase + "/restore?tag=pca");
            assertThat(problem.get("restore_tiers").has("Expedited")).isFalse();
            assertThat(problem.get("detail").asString()).contains("restore?tag=pca&days=7&tier=Standard", "Standard within 12 hours");
            HttpResponse<String> expedited = post(service, deepBase + "/restore?tag=pca&tier=Expedited");
            assertThat(expedited.statusCode()).isEqualTo(400);
            assertThat(json(expedited.body()).get("detail").asString()).contains("no Expedited restores from DEEP_ARCHIVE");
            // The bundle opens its first model before anything is sent: a clean 409 too. Once bytes are out, an archived
            // model further on can only cut the transfer short, never end it as if the tar were complete.
            HttpResponse<String> bundle = client.get("/api/v1/models/deep/_bundle");
            assertThat(bundle.statusCode()).isEqualTo(409);
            assertThat(bundle.headers().firstValue("Content-Disposition")).isEmpty();
            assertThat(json(bundle.body()).get("type").asString()).isEqualTo("urn:anomstack:model-store:problem:model-archived");
            client.uploadRaw("deep", "a_first", null, randomBytes(256 * 1024), null);
            assertThatThrownBy(() -> client.download("/api/v1/models/deep/_bundle")).isInstanceOf(UncheckedIOException.class);

            // A small compressed model is decoded once into the read cache: a refused read must not be cached as anything.
            JsonNode zstd = json(client.uploadRaw("tiered", "mem", null, lowEntropyBytes(50_000), null).body());
            assertThat(zstd.get("content_encoding").asString()).isEqualTo("zstd");
            archive.archive(zstd.get("key").asString(), "INTELLIGENT_TIERING", "ARCHIVE_ACCESS");
            String tieredBase = "/api/v1/models/tiered/mem/versions/" + zstd.get("version").asString();
            JsonNode tieredProblem = json(client.get("/api/v1/models/tiered/mem/latest").body());
            assertThat(tieredProblem.get("status").asInt()).isEqualTo(409);
            assertThat(tieredProblem.get("access_tier").asString()).isEqualTo("ARCHIVE_ACCESS");
            assertThat(tieredProblem.get("detail").asString()).contains("restore?tier=Standard").doesNotContain("days=");
            HttpResponse<String> tieredRestore = post(service, tieredBase + "/restore?days=9&tier=Expedited");
            assertThat(tieredRestore.statusCode()).as(tieredRestore.body()).isEqualTo(202);
            assertThat(json(tieredRestore.body()).has("days")).isFalse();
            assertThat(archive.restores()).containsExactly(zstd.get("key").asString() + " days=null tier=Expedited");
            archive.finishRestore(zstd.get("key").asString());
            assertThat(client.download("/api/v1/models/tiered/mem/latest").body()).isEqualTo(lowEntropyBytes(50_000));

            // Without s3:RestoreObject: a clear 502 each time, one log line, and uploads carry on.
            archive.denyRestores();
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> denied = post(service, deepBase + "/restore?tag=pca");
                assertThat(denied.statusCode()).as(denied.body()).isEqualTo(502);
                assertThat(json(denied.body()).get("type").asString()).isEqualTo("urn:anomstack:model-store:problem:s3-access");
                assertThat(json(denied.body()).get("detail").asString()).contains("lacks s3:RestoreObject",
                        "aws s3api restore-object --bucket archive --key " + deep.get("key").asString());
            }
            assertThat(output.getAll().split("may not use s3:RestoreObject", -1)).hasSize(2);
            assertThat(client.uploadRaw("deep", "cpu", "pca", randomBytes(1001), null).statusCode()).isEqualTo(201);
        }
    }

    private static HttpResponse<String> post(RunningService service, String path) {
        return service.send(HttpRequest.newBuilder(service.uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static HttpResponse<String> put(RunningService service, String path, String version) {
        return service.send(HttpRequest.newBuilder(service.uri(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"version\": \"" + version + "\"}")));
    }

    /** S3's archive, played at the SDK boundary for chosen keys. */
    public static class S3Archive implements ExecutionInterceptor {

        private record Archived(String storageClass, String accessTier, String restore) {
        }

        private final Map<String, Archived> archived = new ConcurrentHashMap<>();
        private final List<String> restores = new CopyOnWriteArrayList<>();
        private volatile boolean denyRestores;

        void archive(String key, String storageClass, String accessTier) {
            archived.put(key, new Archived(storageClass, accessTier, null));
        }

        void finishRestore(String key) {
            archived.computeIfPresent(key, (k, a) -> new Archived(a.storageClass(), a.accessTier(),
                    "ongoing-request=\"false\", expiry-date=\"" + EXPIRY + "\""));
        }

        void denyRestores() {
            denyRestores = true;
        }

        List<String> restores() {
            return List.copyOf(restores);
        }

        private boolean readable(String key) {
            Archived object = archived.get(key);
            return object == null || (object.restore() != null && object.restore().contains("\"false\""));
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof GetObjectRequest get && !readable(get.key())) {
                throw error(403, "InvalidObjectState", "The operation is not valid for the object's storage class");
            }
            if (context.request() instanceof RestoreObjectRequest restore) {
                Archived object = archived.get(restore.key());
                if (denyRestores) {
                    throw error(403, "AccessDenied", "Access Denied");
                }
                if (object == null) {
                    throw error(403, "InvalidObjectState", "Restore is not allowed for the object's current storage class");
                }
                if ("ongoing-request=\"true\"".equals(object.restore())) {
                    throw error(409, "RestoreAlreadyInProgress", "Object restore is already in progress");
                }
                restores.add(restore.key() + " days=" + restore.restoreRequest().days() + " tier="
                        + restore.restoreRequest().glacierJobParameters().tierAsString());
                if (object.restore() == null) {
                    archived.put(restore.key(), new Archived(object.storageClass(), object.accessTier(), "ongoing-request=\"true\""));
                }
            }
        }

        /** S3Proxy has no RestoreObject: answer as S3 does, 202 for a started restore, 200 for a restored object. */
        @Override
        public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
            if (context.request() instanceof RestoreObjectRequest restore) {
                return SdkHttpResponse.builder().statusCode(readable(restore.key()) ? 200 : 202).build();
            }
            return context.httpResponse();
        }

        @Override
        public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
            if (context.request() instanceof RestoreObjectRequest) {
                return Optional.of(new ByteArrayInputStream(new byte[0]));
            }
            return context.responseBody();
        }

        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            if (context.request() instanceof HeadObjectRequest head && context.response() instanceof HeadObjectResponse response
                    && archived.containsKey(head.key())) {
                Archived object = archived.get(head.key());
                boolean backInFrequentAccess = object.accessTier() != null && readable(head.key());
                return response.toBuilder()
                        .storageClass(object.storageClass())
                        .archiveStatus(backInFrequentAccess ? null : object.accessTier())
                        .restore(object.restore())
                        .build();
            }
            return context.response();
        }

        private static S3Exception error(int status, String code, String message) {
            return (S3Exception) S3Exception.builder()
                    .statusCode(status)
                    .message(message)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("S3").build())
                    .build();
        }

        /** Not a {@code @Configuration}: component scanning would add it to every service the tests start. */
        public static class Registration {

            @Bean
            S3Archive s3Archive() {
                return new S3Archive();
            }
        }
    }
}
