package io.anomstack.modelstore.it;

import com.sun.net.httpserver.HttpServer;
import io.anomstack.modelstore.support.ForkedService;
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
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each way the service can get AWS credentials that runs without AWS: static keys, a named profile in a shared
 * credentials file and environment variables with a session token (each in a process of its own: the SDK's default
 * chain is per process), and a role assumed through STS (a local stub) on top of static keys. Each test checks which provider signs and that the secret shows nowhere.
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
    void aNamedProfileOfASharedCredentialsFileIsFoundByTheDefaultChainInAProcessOfItsOwn() throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory()) {
            Path credentialsFile = dir.resolve("credentials");
            Files.writeString(credentialsFile, "[default]\naws_access_key_id = wrong\naws_secret_access_key = wrong\n\n"
                    + "[modelstore]\naws_access_key_id = " + backend.accessKey() + "\naws_secret_access_key = "
                    + backend.secretKey() + "\n");
            String source = uploadInAProcessOfItsOwn(backend, backend.createBucket("profile"), Map.of(
                    "AWS_SHARED_CREDENTIALS_FILE", credentialsFile.toString(), "AWS_PROFILE", "modelstore"));
            assertThat(source).startsWith("profile");
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
            String source = uploadInAProcessOfItsOwn(backend, backend.createBucket("environment"), Map.of(
                    "AWS_ACCESS_KEY_ID", backend.accessKey(), "AWS_SECRET_ACCESS_KEY", backend.secretKey(),
                    "AWS_SESSION_TOKEN", "session-token-from-the-environment"));
            assertThat(source).isEqualTo("env_vars");
            assertThat(Files.readString(dir.resolve("service.log")))
                    .doesNotContain(backend.secretKey(), "session-token-from-the-environment");
        }
    }

    /**
     * Starts the service in a process of its own with {@code aws} as its only AWS environment (the default chain and its
     * profile files are per process), uploads a model, and returns the credential source it reports.
     */
    private String uploadInAProcessOfItsOwn(S3ProxyBackend backend, String bucket, Map<String, String> aws) throws Exception {
        ForkedService.Builder builder = ForkedService.fromClassPath()
                .property("modelstore.s3.bucket", bucket).property("modelstore.s3.endpoint", backend.endpoint())
                .property("modelstore.security.allow-anonymous", true)
                .property("modelstore.metrics.cloudwatch-enabled", false)
                .withoutEnv(name -> name.startsWith("AWS_")).env("AWS_REGION", "us-east-1")
                .log(dir.resolve("service.log"));
        aws.forEach(builder::env);
        try (ForkedService service = builder.start()) {
            URI base = service.base();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> upload = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/models/creds/cpu"))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100])).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
            String info = http.send(HttpRequest.newBuilder(base.resolve("/actuator/info")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return json(info).get("storage").get("credentials").asString();
        }
    }

    private static String credentials(ModelStoreClient client) {
        return client.getJson("/actuator/info").get("storage").get("credentials").asString();
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

}
