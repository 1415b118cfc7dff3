package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ExternalTools;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real S3 clients as users run them, pointed at the S3 endpoint: an unchanged Anomstack's model I/O on plain boto3 with
 * only {@code AWS_ENDPOINT_URL_S3} set, boto3's default transfers (multipart upload, ranged parallel download), the AWS
 * CLI and rclone; each time the REST API shows the versions, digests and tags that came in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3ClientsIT {

    private static final String BUCKET = "anomstack-models";
    private static final String ADMIN_API_KEY = "admin-api-secret-0123456789";
    private static final String ACCESS_KEY = "trainer";
    private static final String SECRET = "trainer-secret-0123456789";
    private static final Path SCRIPTS = Path.of("src", "test", "python", "s3api");
    private static final int LARGE = 20 * 1024 * 1024;

    private S3ProxyBackend backend;
    private RunningService service;

    @TempDir
    Path work;

    @BeforeAll
    void start() {
        backend = S3ProxyBackend.inMemory();
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("s3-clients-backing")));
        properties.remove("modelstore.security.allow-anonymous");
        properties.put("modelstore.s3-api.bucket", BUCKET);
        properties.put("modelstore.security.api-keys[0].name", "operator");
        properties.put("modelstore.security.api-keys[0].sha256", S3ApiIT.sha256Hex(ADMIN_API_KEY.getBytes(StandardCharsets.UTF_8)));
        properties.put("modelstore.security.api-keys[0].role", "admin");
        properties.put("modelstore.security.s3-keys[0].access-key-id", ACCESS_KEY);
        properties.put("modelstore.security.s3-keys[0].secret-access-key", SECRET);
        properties.put("modelstore.security.s3-keys[0].role", "writer");
        service = RunningService.start(properties);
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        backend.close();
    }

    private String endpoint() {
        return "http://127.0.0.1:" + service.context().getEnvironment().getProperty("local.s3-api.port");
    }

    /** What an S3 client of the endpoint has in its environment, and nothing of the machine's AWS setup. */
    private Map<String, String> clientEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ENDPOINT_URL_S3", endpoint());
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET);
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", work.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-aws-credentials").toString());
        env.put("RCLONE_CONFIG", work.resolve("no-rclone.conf").toString());
        // A CA bundle of the machine's is of no use over plain HTTP, and rclone refuses to start with one.
        env.put("AWS_CA_BUNDLE", "");
        return env;
    }

    private ExternalTools.Result run(Map<String, String> environment, String... command) throws Exception {
        ExternalTools.Result result = ExternalTools.run(List.of(command), Path.of("").toAbsolutePath(), environment,
                Duration.ofMinutes(3));
        assertThat(result.exitCode()).as(String.join(" ", command) + ":\n" + result.output()).isZero();
        return result;
    }

    private static void requireBoto3() throws Exception {
        ExternalTools.onPath("python3");
        ExternalTools.Result version = ExternalTools.run(List.of("python3", "-c",
                        "import boto3; v = tuple(int(p) for p in boto3.__version__.split('.')[:2]); print(v >= (1, 28))"),
                Path.of("").toAbsolutePath(), Map.of(), Duration.ofSeconds(60));
        ExternalTools.require(version.exitCode() == 0 && version.output().trim().endsWith("True"),
                "python3 has no boto3 >= 1.28 (pip install boto3): " + version.output().trim());
    }

    @Test
    void unchangedAnomstackStoresAVersionPerTrainingRun() throws Exception {
        requireBoto3();
        ExternalTools.Result result = run(clientEnvironment(), "python3",
                SCRIPTS.resolve("anomstack_models.py").toString(), "s3://" + BUCKET + "/models", "anomstack_batch");

        JsonNode printed = json(lastLine(result.output()));
        for (JsonNode model : printed.get("models")) {
            String tag = model.get("tag").asString();
            JsonNode latest = rest("/api/v1/models/anomstack_batch/cpu_usage/latest/metadata?tag=" + tag);
            assertThat(latest.get("sha256").asString()).isEqualTo(model.get("sha256").asString());
            assertThat(latest.get("key").asString()).endsWith(".pkl");
            assertThat(latest.at("/pickle/verdict").asString()).as("scanned like any upload").isEqualTo("allowed");
            assertThat(rest("/api/v1/models/anomstack_batch/cpu_usage/versions?tag=" + tag).get("versions").size())
                    .as("one version per training run").isEqualTo(2);
        }
    }

    @Test
    void boto3sDefaultTransfersUploadInPartsAndDownloadInRanges() throws Exception {
        requireBoto3();
        String key = "models/boto3_batch/cpu_pca_default.pkl";
        ExternalTools.Result result = run(clientEnvironment(), "python3", SCRIPTS.resolve("boto3_transfers.py").toString(),
                BUCKET, key, Integer.toString(LARGE));

        JsonNode printed = json(lastLine(result.output()));
        JsonNode versions = rest("/api/v1/models/boto3_batch/cpu/versions?tag=pca_default").get("versions");
        assertThat(versions.size()).isEqualTo(2);
        assertThat(versions.get(1).get("sha256").asString()).as("the multipart upload").isEqualTo(printed.get("sha256").asString());
        assertThat(versions.get(1).get("size_bytes").asLong()).isEqualTo(LARGE);
        assertThat(versions.get(0).get("version").asString()).isEqualTo(printed.get("latest").asString());
        assertThat(printed.get("listed").toString()).contains(key);
        assertThat(printed.get("versions").size()).isEqualTo(2);
    }

    @Test
    void theAwsCliCopiesAndLists() throws Exception {
        ExternalTools.onPath("aws");
        Path model = work.resolve("cli-model.pkl");
        Files.write(model, S3ApiIT.bytes(LARGE, 21));
        String url = "s3://" + BUCKET + "/models/cli_batch/cpu_knn_default.pkl";
        // Debian's AWS CLI (2.9) predates AWS_ENDPOINT_URL_S3: the endpoint goes on the command line, as it would for users.
        run(clientEnvironment(), "aws", "--endpoint-url", endpoint(), "s3", "cp", model.toString(), url);
        Path back = work.resolve("cli-back.pkl");
        run(clientEnvironment(), "aws", "--endpoint-url", endpoint(), "s3", "cp", url, back.toString());
        ExternalTools.Result listed = run(clientEnvironment(), "aws", "--endpoint-url", endpoint(), "s3", "ls",
                "s3://" + BUCKET + "/models/cli_batch/");

        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(model));
        assertThat(listed.output()).contains("cpu_knn_default.pkl").contains(Integer.toString(LARGE));
        JsonNode latest = rest("/api/v1/models/cli_batch/cpu/latest/metadata?tag=knn_default");
        assertThat(latest.get("sha256").asString()).isEqualTo(S3ApiIT.sha256Hex(Files.readAllBytes(model)));
    }

    @Test
    void rcloneCopiesToAndCatsAModel() throws Exception {
        ExternalTools.onPath("rclone");
        Map<String, String> env = clientEnvironment();
        env.put("RCLONE_CONFIG_STORE_TYPE", "s3");
        env.put("RCLONE_CONFIG_STORE_PROVIDER", "Other");
        env.put("RCLONE_CONFIG_STORE_ACCESS_KEY_ID", ACCESS_KEY);
        env.put("RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY", SECRET);
        env.put("RCLONE_CONFIG_STORE_ENDPOINT", endpoint());
        env.put("RCLONE_CONFIG_STORE_REGION", "us-east-1");
        Files.createFile(work.resolve("rclone.conf"));
        env.put("RCLONE_CONFIG", work.resolve("rclone.conf").toString());
        StringBuilder text = new StringBuilder();
        for (int line = 0; text.length() < 3 * 1024 * 1024; line++) {
            text.append("weights row ").append(line).append('\n');
        }
        Path model = work.resolve("rclone-model.pkl");
        Files.writeString(model, text);
        String remote = "store:" + BUCKET + "/models/rclone_batch/memory_pca_default.pkl";
        run(env, "rclone", "copyto", model.toString(), remote);
        ExternalTools.Result cat = run(env, "rclone", "cat", remote, "--offset", "1000", "--count", "100");
        Path back = work.resolve("rclone-back.pkl");
        run(env, "rclone", "copyto", remote, back.toString());

        assertThat(cat.output()).isEqualTo(text.substring(1000, 1100));
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(model));
        JsonNode latest = rest("/api/v1/models/rclone_batch/memory/latest/metadata?tag=pca_default");
        assertThat(latest.get("sha256").asString()).isEqualTo(S3ApiIT.sha256Hex(Files.readAllBytes(model)));
    }

    private JsonNode rest(String path) {
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(service.uri(path))
                .header("Authorization", "Bearer " + ADMIN_API_KEY).GET());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return json(response.body());
    }

    private static String lastLine(String output) throws IOException {
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1];
    }
}
