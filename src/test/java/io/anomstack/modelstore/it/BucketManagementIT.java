package io.anomstack.modelstore.it;

import io.anomstack.modelstore.storage.SupersededTag;
import io.anomstack.modelstore.support.DenyLifecycleWrites;
import io.anomstack.modelstore.support.LifecycleWrites;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3MockBackend;
import io.anomstack.modelstore.support.S3MockServer;
import io.anomstack.modelstore.support.S3RequestCounter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static io.anomstack.modelstore.support.TestData.batch;
import static io.anomstack.modelstore.support.TestData.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bucket management through the running service, against S3Mock 5.2.3 as its own process. S3Mock stores versioning
 * and lifecycle rules (without enforcing them) and object tags, but not public access blocks or default encryption,
 * and it drops the tag predicate of lifecycle filters: the service reports those parts as unsupported, and keeps its
 * transition rule out rather than let it archive every model.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BucketManagementIT {

    private static final String PREFIX = "models/";
    private static final LifecycleRule FOREIGN = LifecycleRule.builder().id("logs-expire").status(ExpirationStatus.ENABLED)
            .filter(f -> f.prefix("logs/")).expiration(e -> e.days(10)).build();

    @RegisterExtension
    static final S3MockServer S3MOCK = new S3MockServer();

    private S3MockBackend backend;
    private S3Client s3;

    @BeforeAll
    void useTheServer() {
        backend = S3MOCK.backend();
        s3 = S3MOCK.client();
    }

    @Test
    void aManagedServiceCreatesAndConfiguresItsBucketKeepsOthersRulesAndIsIdempotent() {
        String bucket = bucketName("created");
        try (RunningService service = start(bucket, true, LifecycleWrites.Registration.class)) {
            LifecycleWrites writes = service.context().getBean(LifecycleWrites.class);

            // Start-up created the bucket and configured it.
            assertThat(s3.getBucketVersioning(b -> b.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
            assertThat(ruleIds(bucket)).containsExactlyInAnyOrder(
                    "anomstack-model-store-noncurrent-expiration:models/", "anomstack-model-store-abort-incomplete-uploads:models/");
            LifecycleRule noncurrent = rule(bucket, "anomstack-model-store-noncurrent-expiration:models/");
            assertThat(noncurrent.filter().prefix()).isEqualTo(PREFIX);
            assertThat(noncurrent.noncurrentVersionExpiration().noncurrentDays()).isEqualTo(30);
            assertThat(rule(bucket, "anomstack-model-store-abort-incomplete-uploads:models/")
                    .abortIncompleteMultipartUpload().daysAfterInitiation()).isEqualTo(7);
            // The transition rule went out scoped by prefix and tag, inert, and was taken back when S3Mock lost the tag.
            LifecycleRule sent = writes.requests().get(0).lifecycleConfiguration().rules().stream()
                    .filter(rule -> rule.id().startsWith("anomstack-model-store-superseded-transitions")).findFirst().orElseThrow();
            assertThat(sent.status()).isEqualTo(ExpirationStatus.DISABLED);
            assertThat(sent.filter().and().prefix()).isEqualTo(PREFIX);
            assertThat(sent.filter().and().tags()).containsExactly(
                    Tag.builder().key(SupersededTag.TAG_KEY).value(SupersededTag.TAG_VALUE).build());
            assertThat(sent.transitions()).extracting(t -> t.storageClassAsString() + ":" + t.days())
                    .containsExactly("STANDARD_IA:30", "GLACIER:90");
            assertThat(writes.requests()).allSatisfy(put -> assertThat(put.lifecycleConfiguration().rules())
                    .filteredOn(rule -> rule.status() == ExpirationStatus.ENABLED)
                    .noneMatch(rule -> !rule.transitions().isEmpty()));

            // Someone replaces the lifecycle configuration with a rule of their own: reconciling puts ours back beside it.
            s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket).lifecycleConfiguration(c -> c.rules(FOREIGN)));
            Map<String, JsonNode> first = reconcile(service);
            assertThat(outcomes(first)).containsExactly(
                    Map.entry("bucket", "unchanged"), Map.entry("versioning", "unchanged"),
                    Map.entry("public_access_block", "unsupported"), Map.entry("encryption", "unsupported"),
                    Map.entry("lifecycle", "changed"), Map.entry("lifecycle_transitions", "unsupported"));
            assertThat(first.get("lifecycle_transitions").get("detail").asString()).contains("without its tag filter");
            assertThat(ruleIds(bucket)).containsExactlyInAnyOrder("logs-expire",
                    "anomstack-model-store-noncurrent-expiration:models/", "anomstack-model-store-abort-incomplete-uploads:models/");
            assertThat(rule(bucket, "logs-expire").expiration().days()).isEqualTo(10);

            int lifecycleWrites = writes.requests().size();
            Map<String, JsonNode> second = reconcile(service);
            assertThat(outcomes(second)).containsExactly(
                    Map.entry("bucket", "unchanged"), Map.entry("versioning", "unchanged"),
                    Map.entry("public_access_block", "unsupported"), Map.entry("encryption", "unsupported"),
                    Map.entry("lifecycle", "unchanged"), Map.entry("lifecycle_transitions", "unsupported"));
            assertThat(writes.requests()).as("an unchanged configuration is not written").hasSize(lifecycleWrites);

            JsonNode report = adminBucket(service);
            assertThat(report.get("managed").asBoolean()).isTrue();
            JsonNode state = report.get("buckets").get(0);
            assertThat(state.get("bucket").asString()).isEqualTo(bucket);
            assertThat(state.get("exists").get("actual").asBoolean()).isTrue();
            assertThat(state.get("versioning").get("actual").asString()).isEqualTo("Enabled");
            assertThat(state.get("versioning").get("matches").asBoolean()).isTrue();
            assertThat(state.get("public_access_block").get("probe").asString()).isEqualTo("unsupported");
            assertThat(state.get("encryption").get("probe").asString()).isEqualTo("unsupported");
            assertThat(state.get("encryption").get("desired").get("algorithm").asString()).isEqualTo("AES256");
            JsonNode lifecycle = state.get("lifecycle");
            assertThat(lifecycle.get("probe").asString()).isEqualTo("ok");
            assertThat(lifecycle.get("matches").asBoolean()).as("the transition rule is missing").isFalse();
            Map<String, Boolean> ours = new LinkedHashMap<>();
            lifecycle.get("actual").forEach(rule -> ours.put(rule.get("id").asString(), rule.get("ours").asBoolean()));
            assertThat(ours).containsOnly(Map.entry("logs-expire", false),
                    Map.entry("anomstack-model-store-noncurrent-expiration:models/", true),
                    Map.entry("anomstack-model-store-abort-incomplete-uploads:models/", true));
            List<String> desiredIds = new ArrayList<>();
            lifecycle.get("desired").forEach(rule -> desiredIds.add(rule.get("id").asString()));
            assertThat(desiredIds).contains("anomstack-model-store-superseded-transitions:models/");

            // Models are stored as ever; a latest version carries no superseded tag (the next test follows the tags).
            HttpResponse<String> upload = new ModelStoreClient(service).uploadRaw(batch(), "cpu", null, randomBytes(1000), null);
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
            String key = json(upload.body()).get("key").asString();
            assertThat(s3.getObjectTagging(b -> b.bucket(bucket).key(key)).tagSet()).isEmpty();
        }
    }

    @Test
    void onlyVersionsThatAreNeitherLatestNorAliasedCarryTheSupersededTag() {
        String bucket = bucketName("tagged");
        try (RunningService service = start(bucket, true)) {
            ModelStoreClient client = new ModelStoreClient(service);
            String batch = batch();
            String base = "/api/v1/models/" + batch + "/cpu";
            Map<String, String> keys = new LinkedHashMap<>();
            for (int i = 1; i <= 3; i++) {
                JsonNode uploaded = json(client.uploadRaw(batch, "cpu", null, randomBytes(100 + i), null).body());
                keys.put("v" + i, uploaded.get("key").asString());
                keys.put("id" + i, uploaded.get("version").asString());
            }
            assertThat(superseded(bucket, keys, 3)).containsExactly("v1", "v2");

            assertThat(put(service, base + "/aliases/production", keys.get("id1"))).isEqualTo(200);
            assertThat(superseded(bucket, keys, 3)).containsExactly("v2");

            assertThat(put(service, base + "/latest", keys.get("id2"))).isEqualTo(200);
            assertThat(superseded(bucket, keys, 3)).containsExactly("v3");

            assertThat(client.delete(base + "/aliases/production").statusCode()).isEqualTo(204);
            assertThat(superseded(bucket, keys, 3)).containsExactly("v1", "v3");

            JsonNode fourth = json(client.uploadRaw(batch, "cpu", null, randomBytes(104), null).body());
            keys.put("v4", fourth.get("key").asString());
            assertThat(superseded(bucket, keys, 4)).containsExactly("v1", "v2", "v3");

            assertThat(client.delete(base + "/versions/" + fourth.get("version").asString()).statusCode()).isEqualTo(204);
            assertThat(superseded(bucket, keys, 3)).containsExactly("v1", "v2");
        }
    }

    private List<String> superseded(String bucket, Map<String, String> keys, int versions) {
        List<String> tagged = new ArrayList<>();
        for (int i = 1; i <= versions; i++) {
            String key = keys.get("v" + i);
            if (!s3.getObjectTagging(b -> b.bucket(bucket).key(key)).tagSet().isEmpty()) {
                tagged.add("v" + i);
            }
        }
        return tagged;
    }

    private static int put(RunningService service, String path, String version) {
        return service.send(HttpRequest.newBuilder(service.uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"version\": \"" + version + "\"}"))).statusCode();
    }

    @Test
    void anUnmanagedServiceChangesNothingButReportsTheBucketsState() {
        String bucket = backend.createBucket(bucketName("unmanaged"));
        try (RunningService service = start(bucket, false, S3RequestCounter.Registration.class)) {
            S3RequestCounter requests = service.context().getBean(S3RequestCounter.class);

            JsonNode report = adminBucket(service);
            HttpResponse<String> reconcile = service.send(HttpRequest.newBuilder(service.uri("/api/v1/admin/bucket/reconcile"))
                    .POST(HttpRequest.BodyPublishers.noBody()));

            assertThat(report.get("managed").asBoolean()).isFalse();
            JsonNode state = report.get("buckets").get(0);
            assertThat(state.get("exists").get("actual").asBoolean()).isTrue();
            assertThat(state.get("versioning").get("actual").asString()).isEqualTo("Disabled");
            assertThat(state.get("versioning").get("desired").asString()).isEqualTo("Enabled");
            assertThat(state.get("versioning").get("matches").asBoolean()).isFalse();
            assertThat(state.get("lifecycle").get("probe").asString()).isEqualTo("ok");
            assertThat(state.get("lifecycle").get("actual").isEmpty()).isTrue();
            assertThat(state.get("lifecycle").get("matches").asBoolean()).isFalse();
            assertThat(reconcile.statusCode()).isEqualTo(409);
            assertThat(reconcile.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json(reconcile.body()).get("type").asString())
                    .isEqualTo("urn:anomstack:model-store:problem:bucket-management-disabled");
            assertThat(json(reconcile.body()).get("detail").asString()).contains("MODELSTORE_BUCKET_MANAGE=true");
            assertThat(requests.operations()).isNotEmpty()
                    .noneMatch(operation -> operation.startsWith("Put") || operation.startsWith("Create")
                            || operation.startsWith("Delete"));
            assertThat(s3.getBucketVersioning(b -> b.bucket(bucket)).status()).isNull();
            assertThat(service.get("/v3/api-docs").body())
                    .contains("/api/v1/admin/bucket/reconcile").contains("\"missing_permission\"");
            assertThatThrownBy(() -> s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        }
    }

    @Test
    void aDeniedStepIsReportedWithTheMissingPermissionAndUploadsStillWork() {
        String bucket = backend.createBucket(bucketName("denied"));
        try (RunningService service = start(bucket, true, DenyLifecycleWrites.Registration.class)) {
            Map<String, JsonNode> steps = reconcile(service);

            assertThat(outcomes(steps)).containsEntry("versioning", "unchanged")
                    .containsEntry("lifecycle", "denied").containsEntry("lifecycle_transitions", "denied");
            assertThat(steps.get("lifecycle").get("missing_permission").asString()).isEqualTo("s3:PutLifecycleConfiguration");
            assertThat(steps.get("lifecycle_transitions").get("missing_permission").asString())
                    .isEqualTo("s3:PutLifecycleConfiguration");
            HttpResponse<String> upload = new ModelStoreClient(service).uploadRaw(batch(), "cpu", null, randomBytes(2000), null);
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
            assertThat(s3.getBucketVersioning(b -> b.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
            assertThatThrownBy(() -> s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        }
    }

    private RunningService start(String bucket, boolean manage, Class<?>... extraConfiguration) {
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(bucket));
        properties.put("modelstore.bucket.manage", String.valueOf(manage));
        return RunningService.start(properties, extraConfiguration);
    }

    private static String bucketName(String purpose) {
        return "bucket-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, JsonNode> reconcile(RunningService service) {
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(service.uri("/api/v1/admin/bucket/reconcile"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode buckets = json(response.body()).get("buckets");
        assertThat(buckets.size()).isEqualTo(1);
        Map<String, JsonNode> steps = new LinkedHashMap<>();
        buckets.get(0).get("steps").forEach(step -> steps.put(step.get("step").asString(), step));
        return steps;
    }

    private static Map<String, String> outcomes(Map<String, JsonNode> steps) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        steps.forEach((step, result) -> outcomes.put(step, result.get("outcome").asString()));
        return outcomes;
    }

    private static JsonNode adminBucket(RunningService service) {
        HttpResponse<String> response = service.get("/api/v1/admin/bucket");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    private List<String> ruleIds(String bucket) {
        return s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)).rules().stream().map(LifecycleRule::id).toList();
    }

    private LifecycleRule rule(String bucket, String id) {
        return s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)).rules().stream()
                .filter(rule -> id.equals(rule.id())).findFirst().orElseThrow();
    }
}
