package io.anomstack.modelstore;

import com.sun.net.httpserver.HttpServer;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each way the service can get AWS credentials that runs without AWS: static keys, a named profile in a shared
 * credentials file, environment variables with a session token (in a process of its own), and a role assumed through
 * STS (a local stub) on top of them. Each test checks which provider signs and that the secret shows nowhere.
 */
@ExtendWith(OutputCaptureExtension.class)
class AwsCredentialsIT {

    @TempDir
    Path dir;

    @Test
    void staticKeysSignAndTheSecretShowsInNoEndpointAndNoLog(CapturedOutput output) throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory()) {
            Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("static-keys")));
            properties.put("management.endpoints.web.exposure.include", "health,info,env,configprops");
            try (RunningService service = RunningService.start(properties)) {
                ModelStoreClient client = new ModelStoreClient(service);
                assertThat(client.uploadRaw("creds", "cpu", null, new byte[100], null).statusCode()).isEqualTo(201);
                assertThat(credentials(client)).isEqualTo("static");
                for (String endpoint : List.of("/actuator/env", "/actuator/configprops", "/actuator/health", "/actuator/info")) {
                    HttpResponse<String> response = client.get(endpoint);
                    assertThat(response.statusCode()).as(endpoint).isEqualTo(200);
                    assertThat(response.body()).as(endpoint).doesNotContain(backend.secretKey());
                }
            }
            assertThat(output.getAll()).doesNotContain(backend.secretKey());
        }
    }

    @Test
    void aNamedProfileOfASharedCredentialsFileIsFoundByTheDefaultChain() throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory()) {
            Path credentialsFile = dir.resolve("credentials");
            Files.writeString(credentialsFile, "[default]\naws_access_key_id = wrong\naws_secret_access_key = wrong\n\n"
                    + "[modelstore]\naws_access_key_id = " + backend.accessKey() + "\naws_secret_access_key = "
                    + backend.secretKey() + "\n");
            Map<String, Object> properties = withoutStaticKeys(backend, backend.createBucket("profile"));
            // The SDK reads AWS_SHARED_CREDENTIALS_FILE and AWS_PROFILE also as these system properties.
            System.setProperty("aws.sharedCredentialsFile", credentialsFile.toString());
            System.setProperty("aws.profile", "modelstore");
            try (RunningService service = RunningService.start(properties)) {
                ModelStoreClient client = new ModelStoreClient(service);
                assertThat(client.uploadRaw("creds", "cpu", null, new byte[100], null).statusCode()).isEqualTo(201);
                assertThat(credentials(client)).startsWith("profile");
            } finally {
                System.clearProperty("aws.sharedCredentialsFile");
                System.clearProperty("aws.profile");
            }
        }
    }

    @Test
    void aRoleIsAssumedThroughStsWithTheFoundCredentialsAndItsCredentialsSign() throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory()) {
            List<String> assumeRoleCalls = new CopyOnWriteArrayList<>();
            HttpServer sts = stsStub(backend, assumeRoleCalls);
            try {
                Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("assumed")));
                // The base credentials only reach STS: S3 would refuse them, it knows the role's only.
                properties.put("spring.cloud.aws.credentials.access-key", "BASEKEYFORSTS");
                properties.put("spring.cloud.aws.credentials.secret-key", "base-secret-for-sts");
                properties.put("modelstore.aws.assume-role.role-arn", "arn:aws:iam::123456789012:role/anomstack-model-store");
                properties.put("modelstore.aws.assume-role.external-id", "anomstack-external");
                properties.put("modelstore.aws.assume-role.sts-endpoint", "http://127.0.0.1:" + sts.getAddress().getPort());
                try (RunningService service = RunningService.start(properties)) {
                    ModelStoreClient client = new ModelStoreClient(service);
                    assertThat(client.uploadRaw("creds", "cpu", null, new byte[100], null).statusCode()).isEqualTo(201);
                    assertThat(credentials(client)).contains("sts_assume_role");
                }
            } finally {
                sts.stop(0);
            }
            assertThat(assumeRoleCalls).isNotEmpty();
            assertThat(assumeRoleCalls.get(0)).contains("Action=AssumeRole",
                    "RoleArn=arn:aws:iam::123456789012:role/anomstack-model-store", "ExternalId=anomstack-external",
                    "RoleSessionName=anomstack-model-store", "DurationSeconds=3600", "Credential=BASEKEYFORSTS/");
        }
    }

    @Test
    void environmentVariablesWithASessionTokenAreFoundInAProcessOfItsOwn() throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory()) {
            String bucket = backend.createBucket("environment");
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path log = dir.resolve("service.log");
            ProcessBuilder builder = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), ModelStoreApplication.class.getName(),
                    "--server.port=" + port, "--modelstore.s3.bucket=" + bucket,
                    "--modelstore.s3.endpoint=" + backend.endpoint(), "--modelstore.security.allow-anonymous=true",
                    "--modelstore.metrics.cloudwatch-enabled=false"))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> environment = builder.environment();
            environment.keySet().removeIf(name -> name.startsWith("AWS_"));
            environment.put("AWS_ACCESS_KEY_ID", backend.accessKey());
            environment.put("AWS_SECRET_ACCESS_KEY", backend.secretKey());
            environment.put("AWS_SESSION_TOKEN", "session-token-from-the-environment");
            environment.put("AWS_REGION", "us-east-1");
            Process service = builder.start();
            try {
                URI base = URI.create("http://127.0.0.1:" + port);
                HttpClient http = HttpClient.newHttpClient();
                awaitHealthy(http, base, service, log);
                HttpResponse<String> upload = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/models/creds/cpu"))
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100])).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
                String info = http.send(HttpRequest.newBuilder(base.resolve("/actuator/info")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(json(info).get("storage").get("credentials").asString())
                        .isEqualTo("env_vars");
            } finally {
                service.destroy();
                service.waitFor();
            }
            assertThat(Files.readString(log)).doesNotContain(backend.secretKey(), "session-token-from-the-environment");
        }
    }

    private static String credentials(ModelStoreClient client) {
        return client.getJson("/actuator/info").get("storage").get("credentials").asString();
    }

    private static Map<String, Object> withoutStaticKeys(S3ProxyBackend backend, String bucket) {
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(bucket));
        properties.remove("spring.cloud.aws.credentials.access-key");
        properties.remove("spring.cloud.aws.credentials.secret-key");
        return properties;
    }

    /** Answers AssumeRole with the S3 server's own keys as the role's temporary credentials, and records each call. */
    private static HttpServer stsStub(S3ProxyBackend backend, List<String> calls) throws IOException {
        HttpServer sts = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sts.createContext("/", exchange -> {
            String form = URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8);
            calls.add(form + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] answer = ("""
                    <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                      <AssumeRoleResult>
                        <AssumedRoleUser>
                          <AssumedRoleId>AROATEST:anomstack-model-store</AssumedRoleId>
                          <Arn>arn:aws:sts::123456789012:assumed-role/anomstack-model-store/anomstack-model-store</Arn>
                        </AssumedRoleUser>
                        <Credentials>
                          <AccessKeyId>%s</AccessKeyId>
                          <SecretAccessKey>%s</SecretAccessKey>
                          <SessionToken>role-session-token</SessionToken>
                          <Expiration>%s</Expiration>
                        </Credentials>
                      </AssumeRoleResult>
                      <ResponseMetadata><RequestId>test</RequestId></ResponseMetadata>
                    </AssumeRoleResponse>
                    """.formatted(backend.accessKey(), backend.secretKey(), Instant.now().plusSeconds(3600)))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        sts.start();
        return sts;
    }

    private static void awaitHealthy(HttpClient http, URI base, Process service, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(service.isAlive()).as("service exited:%n%s", Files.readString(log)).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("/actuator/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(250);
        }
        throw new AssertionError("The service did not become healthy:\n" + Files.readString(log));
    }
}
