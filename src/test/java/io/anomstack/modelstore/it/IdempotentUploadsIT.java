package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.FaultInjectingProxy;
import io.anomstack.modelstore.support.FaultInjectingProxy.Fault;
import io.anomstack.modelstore.support.FaultInjectingProxy.Rule;
import io.anomstack.modelstore.support.GeneratedBody;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RawHttp;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An upload sent again with the same Idempotency-Key (a client that lost the first answer) gets the version the first
 * attempt stored, never a second one; a key is never taken for another model.
 */
class IdempotentUploadsIT {

    private static S3ProxyBackend backend;
    private static RunningService service;
    private static ModelStoreClient client;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        backend = S3ProxyBackend.inMemory();
        service = RunningService.start(backend.serviceProperties(backend.createBucket("idempotent")));
        client = new ModelStoreClient(service);
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        backend.close();
    }

    @Test
    void aRetryWithTheSameKeyAnswersTheStoredVersionAndStoresNothingMore() throws Exception {
        String batch = TestData.batch();
        byte[] model = TestData.randomBytes(4096);
        String key = UUID.randomUUID().toString();

        HttpResponse<String> first = upload(service.uri("/"), batch, model, key, TestData.sha256(model));
        // Another trainer's upload makes a newer version latest: the key is still found among the newest versions.
        assertThat(client.uploadRaw(batch, "cpu", null, TestData.randomBytes(100), null).statusCode()).isEqualTo(201);
        HttpResponse<String> again = upload(service.uri("/"), batch, model, key, TestData.sha256(model));
        HttpResponse<String> quoted = upload(service.uri("/"), batch, model, "\"" + key + "\"", null);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(json(first.body()).get("idempotency_key").asString()).isEqualTo(key);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(again.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(quoted.statusCode()).as("the draft's quoted form of the key").isEqualTo(200);
        assertThat(versions(batch)).hasSize(2);
    }

    @Test
    void aKeyThatStoredAnotherModelIsRefusedAndAMalformedKeyToo() {
        String batch = TestData.batch();
        byte[] model = TestData.randomBytes(4096);
        byte[] other = TestData.randomBytes(4097);
        String key = UUID.randomUUID().toString();
        assertThat(upload(service.uri("/"), batch, model, key, null).statusCode()).isEqualTo(201);

        HttpResponse<String> reused = upload(service.uri("/"), batch, other, key, TestData.sha256(other));
        HttpResponse<String> malformed = upload(service.uri("/"), batch, other, "not a key", null);

        assertThat(reused.statusCode()).as(reused.body()).isEqualTo(422);
        assertThat(json(reused.body()).get("type").asString()).endsWith(":idempotency-key-reused");
        assertThat(json(reused.body()).get("detail").asString()).contains("Use a new key for a new model");
        assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(400);
        assertThat(json(malformed.body()).get("detail").asString()).contains("Idempotency-Key");
        assertThat(versions(batch)).hasSize(1);
    }

    @Test
    void aSecondAttemptWhileTheFirstStillRunsIsAskedToRetryAndThenGetsItsVersion() throws Exception {
        String batch = TestData.batch();
        String key = UUID.randomUUID().toString();
        // Held beyond what the socket buffers take (a few MiB on loopback), so the service is surely reading it.
        GeneratedBody body = new GeneratedBody(24 << 20, 7, false).holdAt(12 << 20);
        CompletableFuture<RawHttp.Answer> running = CompletableFuture.supplyAsync(() -> RawHttp.stream(service.port(),
                "POST " + ModelStoreClient.path(batch, "cpu", null, "") + " HTTP/1.1",
                "Content-Type: application/octet-stream\r\nContent-Length: " + body.size() + "\r\nIdempotency-Key: " + key
                        + "\r\n", body));
        try {
            body.awaitHold();
            HttpResponse<String> meanwhile = upload(service.uri("/"), batch, TestData.randomBytes(10), key, null);

            assertThat(meanwhile.statusCode()).as(meanwhile.body()).isEqualTo(409);
            assertThat(meanwhile.headers().firstValue("Retry-After")).isPresent();
            assertThat(json(meanwhile.body()).get("type").asString()).endsWith(":idempotency-key-in-use");
        } finally {
            body.release();
        }
        assertThat(running.get(60, TimeUnit.SECONDS).status()).isEqualTo(201);
        HttpResponse<String> retried = upload(service.uri("/"), batch, TestData.randomBytes(10), key, null);
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(json(retried.body()).get("sha256").asString()).isEqualTo(body.sha256());
    }

    /** The service stored the version; its answer is cut on the way back. The client's retry gets that version. */
    @Test
    void aClientThatLostTheAnswerRetriesWithItsKeyAndFindsItsVersion() throws Exception {
        String batch = TestData.batch();
        byte[] model = TestData.randomBytes(200_000);
        String key = UUID.randomUUID().toString();
        AtomicInteger posts = new AtomicInteger();
        try (FaultInjectingProxy cutter = FaultInjectingProxy.start(service.uri("/"), 1)) {
            cutter.rules(Rule.of(Fault.CUT_RESPONSE, 1.0)
                    .when(request -> "POST".equals(request.method()) && posts.getAndIncrement() == 0));

            assertThatThrownBy(() -> send(cutter.endpoint(), batch, model, key, null)).isInstanceOf(IOException.class);
            HttpResponse<String> retried = upload(cutter.endpoint(), batch, model, key, TestData.sha256(model));

            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
            assertThat(json(retried.body()).get("sha256").asString()).isEqualTo(TestData.sha256(model));
            assertThat(versions(batch)).hasSize(1);
        }
    }

    private static JsonNode versions(String batch) {
        return client.getJson(ModelStoreClient.path(batch, "cpu", null, "/versions")).get("versions");
    }

    private static HttpResponse<String> upload(URI base, String batch, byte[] model, String key, String sha256) {
        try {
            return send(base, batch, model, key, sha256);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> send(URI base, String batch, byte[] model, String key, String sha256)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(ModelStoreClient.path(batch, "cpu", null, "")))
                .header("Content-Type", "application/octet-stream")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(model));
        if (sha256 != null) {
            request.header("X-Model-Sha256", sha256);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
