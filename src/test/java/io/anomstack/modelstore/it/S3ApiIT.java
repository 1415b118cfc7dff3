package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The S3-compatible endpoint, driven by the AWS SDK for Java as any S3 client: objects are models, PUT makes a version
 * that becomes latest, GET and HEAD read latest or a version, listings, multipart uploads, S3 errors and SigV4 keys
 * with roles and batch patterns; and the REST API shows what came in through S3.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3ApiIT {

    private static final String BUCKET = "anomstack-models";
    private static final String ADMIN_API_KEY = "admin-api-secret-0123456789";

    private S3ProxyBackend backend;
    private RunningService service;
    private S3Client writer;
    private S3Client reader;
    private S3Client admin;

    @BeforeAll
    void start() {
        backend = S3ProxyBackend.inMemory();
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("s3-api-backing")));
        properties.remove("modelstore.security.allow-anonymous");
        properties.put("modelstore.s3-api.bucket", BUCKET);
        properties.put("modelstore.security.api-keys[0].name", "operator");
        properties.put("modelstore.security.api-keys[0].sha256", sha256Hex(ADMIN_API_KEY.getBytes(StandardCharsets.UTF_8)));
        properties.put("modelstore.security.api-keys[0].role", "admin");
        s3Key(properties, 0, "trainer", "writer", "prod_*");
        s3Key(properties, 1, "scorer", "reader", null);
        s3Key(properties, 2, "operator", "admin", null);
        service = RunningService.start(properties);
        writer = client("trainer", secretOf("trainer"));
        reader = client("scorer", secretOf("scorer"));
        admin = client("operator", secretOf("operator"));
    }

    @AfterAll
    void stop() throws Exception {
        writer.close();
        reader.close();
        admin.close();
        service.close();
        backend.close();
    }

    private static void s3Key(Map<String, Object> properties, int index, String id, String role, String batches) {
        String prefix = "modelstore.security.s3-keys[" + index + "].";
        properties.put(prefix + "access-key-id", id);
        properties.put(prefix + "secret-access-key", secretOf(id));
        properties.put(prefix + "role", role);
        if (batches != null) {
            properties.put(prefix + "batches", batches);
        }
    }

    private static String secretOf(String id) {
        return id + "-secret-0123456789";
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + service.context().getEnvironment().getProperty("local.s3-api.port"));
    }

    private S3Client client(String accessKey, String secret) {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .build();
    }

    @Test
    void aPutIsANewVersionThatBecomesLatestAndTheRestApiShowsIt() {
        byte[] first = bytes(1000, 1);
        byte[] second = bytes(2000, 2);
        String key = "models/prod_a/cpu_pca_default.pkl";
        PutObjectResponse put1 = writer.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(first));
        PutObjectResponse put2 = writer.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(second));

        assertThat(put1.eTag()).isEqualTo("\"" + md5Hex(first) + "\"");
        assertThat(put2.versionId()).isNotEqualTo(put1.versionId());
        assertThat(reader.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray()).isEqualTo(second);
        assertThat(reader.getObjectAsBytes(b -> b.bucket(BUCKET).key(key).versionId(put1.versionId())).asByteArray())
                .isEqualTo(first);

        JsonNode latest = restJson("/api/v1/models/prod_a/cpu/latest/metadata?tag=pca_default");
        assertThat(latest.get("version").asString()).isEqualTo(put2.versionId());
        assertThat(latest.get("tag").asString()).isEqualTo("pca_default");
        assertThat(latest.get("sha256").asString()).isEqualTo(sha256Hex(second));
        JsonNode versions = restJson("/api/v1/models/prod_a/cpu/versions?tag=pca_default");
        assertThat(versions.get("versions").size()).isEqualTo(2);
    }

    @Test
    void headAndRangedGetReadTheLatestVersion() {
        byte[] model = bytes(10_000, 3);
        String key = "models/prod_a/memory.pkl";
        PutObjectResponse put = writer.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(model));

        HeadObjectResponse head = reader.headObject(b -> b.bucket(BUCKET).key(key));
        assertThat(head.contentLength()).isEqualTo(model.length);
        assertThat(head.eTag()).isEqualTo(put.eTag());
        assertThat(head.versionId()).isEqualTo(put.versionId());
        ResponseBytes<GetObjectResponse> range = reader.getObjectAsBytes(b -> b.bucket(BUCKET).key(key).range("bytes=100-199"));
        assertThat(range.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(model, 100, 200));
        assertThat(range.response().contentRange()).isEqualTo("bytes 100-199/" + model.length);
        assertThat(restJson("/api/v1/models/prod_a/memory/latest/metadata").get("tag").isNull()).isTrue();
    }

    @Test
    void userMetadataIsKeptAndAPresignedUrlReadsTheModel() throws Exception {
        String key = "models/prod_a/presigned.pkl";
        byte[] model = bytes(500, 14);
        writer.putObject(b -> b.bucket(BUCKET).key(key).metadata(Map.of("trained-by", "nightly")), RequestBody.fromBytes(model));
        assertThat(reader.headObject(b -> b.bucket(BUCKET).key(key)).metadata()).containsEntry("trained-by", "nightly");

        try (S3Presigner presigner = S3Presigner.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("scorer", secretOf("scorer"))))
                .build()) {
            URI url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(g -> g.bucket(BUCKET).key(key))).url().toURI();
            HttpResponse<byte[]> response = service.send(HttpRequest.newBuilder(url).GET(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(model);
        }
    }

    @Test
    void aConditionalGetOfTheSameVersionIsNotModified() {
        String key = "models/prod_a/disk.pkl";
        PutObjectResponse put = writer.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes(10, 4)));
        assertThatThrownBy(() -> reader.getObject(b -> b.bucket(BUCKET).key(key).ifNoneMatch(put.eTag())))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(304));
    }

    @Test
    void listingsShowEachModelOnceAndPageThroughFolders() {
        for (String metric : List.of("a1", "a2", "a3")) {
            writer.putObject(b -> b.bucket(BUCKET).key("models/prod_list/" + metric + "_knn_default.pkl"),
                    RequestBody.fromBytes(bytes(10, 5)));
        }
        writer.putObject(b -> b.bucket(BUCKET).key("models/prod_list/a1_knn_default.pkl"), RequestBody.fromBytes(bytes(11, 6)));

        ListObjectsV2Response folders = reader.listObjectsV2(b -> b.bucket(BUCKET).prefix("models/").delimiter("/"));
        assertThat(folders.commonPrefixes()).extracting(p -> p.prefix()).contains("models/prod_list/");
        List<String> keys = new java.util.ArrayList<>();
        String token = null;
        do {
            String next = token;
            ListObjectsV2Response page = reader.listObjectsV2(b -> b.bucket(BUCKET).prefix("models/prod_list/").maxKeys(2)
                    .continuationToken(next));
            page.contents().stream().map(S3Object::key).forEach(keys::add);
            token = page.nextContinuationToken();
        } while (token != null);
        assertThat(keys).containsExactly("models/prod_list/a1_knn_default.pkl", "models/prod_list/a2_knn_default.pkl",
                "models/prod_list/a3_knn_default.pkl");

        ListObjectVersionsResponse versions = reader.listObjectVersions(b -> b.bucket(BUCKET)
                .prefix("models/prod_list/a1_knn_default.pkl"));
        assertThat(versions.versions()).hasSize(2);
        assertThat(versions.versions()).filteredOn(ObjectVersion::isLatest).hasSize(1);
        assertThat(versions.versions().get(0).isLatest()).isTrue();
        assertThat(reader.getBucketVersioning(b -> b.bucket(BUCKET)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
    }

    @Test
    void aMultipartUploadIsOneVersionWithTheMultipartETag() {
        String key = "models/prod_a/big_pca_default.pkl";
        byte[] part1 = bytes(5 * 1024 * 1024, 7);
        byte[] part2 = bytes(1234, 8);
        String uploadId = writer.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
        String eTag1 = writer.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(part1)).eTag();
        String eTag2 = writer.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(part2)).eTag();
        var completed = writer.completeMultipartUpload(b -> b.bucket(BUCKET).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(eTag1).build(),
                        CompletedPart.builder().partNumber(2).eTag(eTag2).build())));

        assertThat(completed.eTag()).endsWith("-2\"");
        byte[] whole = new byte[part1.length + part2.length];
        System.arraycopy(part1, 0, whole, 0, part1.length);
        System.arraycopy(part2, 0, whole, part1.length, part2.length);
        assertThat(reader.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray()).isEqualTo(whole);
        assertThat(restJson("/api/v1/models/prod_a/big/latest/metadata?tag=pca_default").get("sha256").asString())
                .isEqualTo(sha256Hex(whole));
        try (S3Client backing = backend.client()) {
            assertThat(backing.listObjectsV2(b -> b.bucket("s3-api-backing").prefix("models.staging/")).contents())
                    .as("the staged parts are gone").isEmpty();
        }
    }

    @Test
    void anAbortedMultipartUploadLeavesNothing() {
        String key = "models/prod_a/aborted.pkl";
        String uploadId = writer.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
        writer.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(1), RequestBody.fromBytes(bytes(100, 9)));
        writer.abortMultipartUpload(b -> b.bucket(BUCKET).key(key).uploadId(uploadId));

        assertThat(errorCode(() -> reader.headObject(b -> b.bucket(BUCKET).key(key)))).isEqualTo(404);
        assertThat(errorOf(() -> writer.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(bytes(10, 1)))).awsErrorDetails().errorCode()).isEqualTo("NoSuchUpload");
    }

    @Test
    void keysThatNameNoModelAndMissingModelsAreS3Errors() {
        assertThat(errorOf(() -> reader.getObject(b -> b.bucket(BUCKET).key("models/prod_a/nothing.pkl")))
                .awsErrorDetails().errorCode()).isEqualTo("NoSuchKey");
        assertThat(errorOf(() -> writer.putObject(b -> b.bucket(BUCKET).key("models/prod_a/deep/cpu.pkl"),
                RequestBody.fromBytes(bytes(1, 1)))).awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
        assertThat(errorOf(() -> writer.putObject(b -> b.bucket(BUCKET).key("models/prod_a/no-extension"),
                RequestBody.fromBytes(bytes(1, 1)))).awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
        assertThat(errorOf(() -> reader.getObject(b -> b.bucket("another-bucket").key("models/prod_a/cpu.pkl")))
                .awsErrorDetails().errorCode()).isEqualTo("NoSuchBucket");
    }

    @Test
    void anUnsafePickleIsRefusedAsOnTheRestApiAndStoresNothing() throws Exception {
        byte[] hostile = Files.readAllBytes(Path.of("src/test/resources/pickles/hostile/global_os_system_p0.pkl"));
        String key = "models/prod_a/hostile.pkl";

        S3Exception refused = errorOf(() -> writer.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(hostile)));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
        assertThat(refused.awsErrorDetails().errorMessage()).contains("os.system");
        assertThat(errorOf(() -> reader.getObject(b -> b.bucket(BUCKET).key(key))).awsErrorDetails().errorCode())
                .isEqualTo("NoSuchKey");
    }

    @Test
    void requestsAreMeteredByActionAndOutcome() {
        String key = "models/prod_metered/cpu.pkl";
        writer.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes(100, 3)));
        reader.getObjectAsBytes(b -> b.bucket(BUCKET).key(key));
        errorOf(() -> reader.getObject(b -> b.bucket(BUCKET).key("models/prod_metered/nothing.pkl")));

        MeterRegistry registry = service.context().getBean(MeterRegistry.class);
        assertThat(count(registry, "PutObject", "success")).isPositive();
        assertThat(count(registry, "GetObject", "success")).isPositive();
        assertThat(count(registry, "GetObject", "rejected")).as("NoSuchKey").isPositive();
    }

    private static long count(MeterRegistry registry, String action, String outcome) {
        Timer timer = registry.find("modelstore.s3api.requests").tag("action", action).tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void aBodyThatDoesNotMatchItsContentMd5IsRefusedAndStoresNothing() {
        byte[] model = bytes(100, 10);
        String wrongMd5 = Base64.getEncoder().encodeToString(md5(bytes(100, 11)));
        assertThat(errorOf(() -> writer.putObject(b -> b.bucket(BUCKET).key("models/prod_a/digest.pkl").contentMD5(wrongMd5),
                RequestBody.fromBytes(model))).awsErrorDetails().errorCode()).isEqualTo("BadDigest");
        assertThat(errorCode(() -> reader.headObject(b -> b.bucket(BUCKET).key("models/prod_a/digest.pkl")))).isEqualTo(404);
    }

    @Test
    void keysHaveTheRolesAndBatchesOfApiKeys() {
        assertThat(errorOf(() -> reader.putObject(b -> b.bucket(BUCKET).key("models/prod_a/x.pkl"),
                RequestBody.fromBytes(bytes(1, 1)))).awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        assertThat(errorOf(() -> writer.putObject(b -> b.bucket(BUCKET).key("models/staging/x.pkl"),
                RequestBody.fromBytes(bytes(1, 1)))).awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        try (S3Client wrongSecret = client("trainer", "not-the-secret-0123456789");
             S3Client unknown = client("nobody", "nobody-secret-0123456789")) {
            assertThat(errorOf(() -> wrongSecret.listObjectsV2(b -> b.bucket(BUCKET))).awsErrorDetails().errorCode())
                    .isEqualTo("SignatureDoesNotMatch");
            assertThat(errorOf(() -> unknown.listObjectsV2(b -> b.bucket(BUCKET))).awsErrorDetails().errorCode())
                    .isEqualTo("InvalidAccessKeyId");
        }
        HttpResponse<String> unsigned = service.send(HttpRequest.newBuilder(endpoint().resolve("/" + BUCKET
                + "/models/prod_a/memory.pkl")).GET());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.body()).contains("<Code>AccessDenied</Code>");
    }

    @Test
    void onlyAdminsDeleteAndOnlyVersionsNeverWithADeleteMarker() {
        String key = "models/prod_a/deleted.pkl";
        PutObjectResponse first = writer.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes(10, 12)));
        PutObjectResponse second = writer.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes(10, 13)));

        assertThat(errorOf(() -> admin.deleteObject(b -> b.bucket(BUCKET).key(key))).statusCode()).isEqualTo(501);
        assertThat(errorOf(() -> writer.deleteObject(b -> b.bucket(BUCKET).key(key).versionId(second.versionId())))
                .awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        admin.deleteObject(b -> b.bucket(BUCKET).key(key).versionId(second.versionId()));

        assertThat(reader.headObject(b -> b.bucket(BUCKET).key(key)).versionId()).isEqualTo(first.versionId());
    }

    private JsonNode restJson(String path) {
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(service.uri(path))
                .header("Authorization", "Bearer " + ADMIN_API_KEY).GET());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    private static S3Exception errorOf(Runnable request) {
        try {
            request.run();
        } catch (S3Exception e) {
            return e;
        }
        throw new AssertionError("the request succeeded");
    }

    private static int errorCode(Runnable request) {
        return errorOf(request).statusCode();
    }

    static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String md5Hex(byte[] bytes) {
        return HexFormat.of().formatHex(md5(bytes));
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
