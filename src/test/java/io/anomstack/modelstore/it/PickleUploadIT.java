package io.anomstack.modelstore.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model uploads through the REST API are scanned as they stream: under the default policy ({@code enforce}) hostile
 * pickles are refused with 422 {@code unsafe-pickle} and leave nothing in the bucket, real scikit-learn and joblib
 * models are stored with the globals they import in their descriptor, and a batch file may report, switch off or
 * widen the check.
 */
class PickleUploadIT {

    private static final Path PICKLES = Path.of("src", "test", "resources", "pickles");
    private static final String BUCKET = "pickles";

    @TempDir
    static Path batches;

    private static S3ProxyBackend backend;
    private static RunningService service;
    private static ModelStoreClient client;

    @BeforeAll
    static void start() throws IOException {
        Files.writeString(batches.resolve("reported.yaml"), """
                metric_batch: "reported"
                model_store_params:
                  pickle:
                    policy: report
                """);
        Files.writeString(batches.resolve("unchecked.yaml"), """
                metric_batch: "unchecked"
                model_store_params:
                  pickle: { policy: "off" }
                """);
        Files.writeString(batches.resolve("custom.yaml"), """
                metric_batch: "custom"
                model_store_params:
                  pickle:
                    allow: ["mycompany.detectors.*"]
                """);
        backend = S3ProxyBackend.inMemory();
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket(BUCKET)));
        properties.put("modelstore.batches-dir", batches.toString());
        service = RunningService.start(properties);
        client = new ModelStoreClient(service);
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        backend.close();
    }

    @Test
    void everyHostilePickleIsRefusedWith422AndNothingIsStored() throws IOException {
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        audit.start();
        ((Logger) LoggerFactory.getLogger("audit")).addAppender(audit);
        List<Path> hostile = fixtures("hostile");
        assertThat(hostile).hasSizeGreaterThanOrEqualTo(30);
        for (Path pickle : hostile) {
            HttpResponse<String> answer = client.uploadRaw("enforced", "hostile", null, Files.readAllBytes(pickle), null);
            assertThat(answer.statusCode()).as("%s: %s", pickle.getFileName(), answer.body()).isEqualTo(422);
            assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            JsonNode problem = json(answer.body());
            assertThat(problem.get("type").asString()).isEqualTo("urn:anomstack:model-store:problem:unsafe-pickle");
            String verdict = problem.get("pickle").get("verdict").asString();
            assertThat(verdict).isIn("unsafe", "malformed");
            if (verdict.equals("unsafe")) {
                assertThat(problem.get("refused_globals").isEmpty()).isFalse();
                assertThat(problem.get("detail").asString()).contains(problem.get("refused_globals").get(0).asString(),
                        "model_store_params.pickle.allow", "MODELSTORE_PICKLE_ALLOW");
            }
        }
        assertThat(client.get("/api/v1/models/enforced/hostile/latest").statusCode()).isEqualTo(404);
        assertThat(modelObjects("models/enforced/")).as("model and metadata objects").isEmpty();
        assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(line -> line.contains("/api/v1/models/enforced/hostile"))
                .hasSize(hostile.size())
                .allSatisfy(line -> assertThat(line).contains("status=422", "outcome=rejected", "problem=unsafe-pickle"));
        ((Logger) LoggerFactory.getLogger("audit")).detachAppender(audit);
    }

    @Test
    void aLargePickleRefusedAfterItsFirstPartsWereUploadedLeavesNoMultipartUpload() {
        byte[] large = largePickleImporting("os", "system", 20 << 20);
        HttpResponse<String> answer = client.uploadRaw("enforced", "large", null, large, null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(422);
        assertThat(json(answer.body()).get("refused_globals").get(0).asString()).isEqualTo("os.system");
        assertThat(backend.multipartUploads(BUCKET, "models/enforced/large/")).isZero();
        assertThat(modelObjects("models/enforced/large/")).isEmpty();
    }

    @Test
    void realScikitLearnAndJoblibModelsAreStoredWithTheGlobalsTheyImport() throws IOException {
        Map<String, List<String>> expected = legitGlobals();
        for (String fixture : List.of("pca.p0.pkl", "isolation_forest.p4.pkl", "lof_novelty.p5.pkl",
                "pipeline_scaler_pca.p2.pkl", "isolation_forest.joblib.p4.pkl", "one_class_svm.p3.pkl")) {
            HttpResponse<String> answer = client.uploadRaw("enforced", "legit", null,
                    Files.readAllBytes(PICKLES.resolve("legit").resolve(fixture)), null);
            assertThat(answer.statusCode()).as("%s: %s", fixture, answer.body()).isEqualTo(201);
            JsonNode pickle = json(answer.body()).get("pickle");
            assertThat(pickle.get("verdict").asString()).isEqualTo("allowed");
            assertThat(strings(pickle.get("globals"))).as(fixture).containsExactlyElementsOf(expected.get(fixture));
            String version = json(answer.body()).get("version").asString();
            JsonNode stored = client.getJson("/api/v1/models/enforced/legit/versions/" + version + "/metadata");
            assertThat(stored.get("pickle")).isEqualTo(pickle);
        }
        JsonNode latest = client.getJson("/api/v1/models/enforced/legit/latest/metadata");
        assertThat(latest.get("pickle").get("protocol").asInt()).isEqualTo(3);

        HttpResponse<String> compressed = client.uploadRaw("enforced", "compressed", null,
                Files.readAllBytes(PICKLES.resolve("legit").resolve("isolation_forest.joblib.z")), null);
        assertThat(compressed.statusCode()).isEqualTo(201);
        assertThat(json(compressed.body()).get("pickle").get("verdict").asString()).isEqualTo("not-a-pickle");
        assertThat(json(compressed.body()).get("pickle").has("protocol")).isFalse();
    }

    @Test
    void aBatchUnderReportStoresTheHostilePickleWithItsVerdictAndOneUnderOffDoesNotScan() throws IOException {
        byte[] hostile = Files.readAllBytes(PICKLES.resolve("hostile").resolve("stack_global_os_system_p4.pkl"));
        HttpResponse<String> reported = client.uploadRaw("reported", "cpu", null, hostile, null);
        assertThat(reported.statusCode()).as(reported.body()).isEqualTo(201);
        assertThat(json(reported.body()).get("pickle").get("verdict").asString()).isEqualTo("unsafe");
        assertThat(strings(json(reported.body()).get("pickle").get("globals"))).containsExactly("os.system");

        assertThat(client.getJson("/api/v1/models/reported/policy").get("pickle").get("policy").asString()).isEqualTo("report");
        assertThat(client.getJson("/api/v1/models/enforced/policy").get("pickle").get("policy").asString()).isEqualTo("enforce");

        HttpResponse<String> unchecked = client.uploadRaw("unchecked", "cpu", null, hostile, null);
        assertThat(unchecked.statusCode()).as(unchecked.body()).isEqualTo(201);
        assertThat(json(unchecked.body()).get("pickle").get("verdict").asString()).isEqualTo("unchecked");
        assertThat(json(unchecked.body()).get("pickle").get("globals").isEmpty()).isTrue();
    }

    @Test
    void aBatchAllowListLetsItsOwnClassesThroughButNotAnythingElse() {
        byte[] custom = pickleOf("mycompany.detectors.seasonal", "SeasonalDetector");
        assertThat(client.uploadRaw("enforced", "custom", null, custom, null).statusCode()).isEqualTo(422);
        HttpResponse<String> allowed = client.uploadRaw("custom", "cpu", null, custom, null);
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(201);
        assertThat(strings(client.getJson("/api/v1/models/custom/policy").get("pickle").get("allow")))
                .containsExactly("mycompany.detectors.*");
        assertThat(json(allowed.body()).get("pickle").get("verdict").asString()).isEqualTo("allowed");
        byte[] function = pickleOf("mycompany.detectors.seasonal", "load_weights");
        assertThat(client.uploadRaw("custom", "cpu", null, function, null).statusCode())
                .as("a wildcard allows classes, not functions").isEqualTo(422);
    }

    private static List<Path> fixtures(String folder) throws IOException {
        try (var files = Files.list(PICKLES.resolve(folder))) {
            return files.filter(file -> file.toString().endsWith(".pkl")).sorted().toList();
        }
    }

    private static Map<String, List<String>> legitGlobals() throws IOException {
        Map<String, List<String>> globals = new HashMap<>();
        for (String line : Files.readAllLines(PICKLES.resolve("legit").resolve("globals.tsv"))) {
            if (!line.startsWith("#")) {
                String[] fields = line.split("\t");
                globals.put(fields[0], List.of(fields[1].split(" ")));
            }
        }
        return globals;
    }

    private static List<String> modelObjects(String prefix) {
        try (S3Client s3 = backend.client()) {
            return s3.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream().map(S3Object::key)
                    .filter(key -> key.contains("/model_") || key.contains("/metadata_") || key.endsWith("_latest.json"))
                    .toList();
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }

    /** Protocol 4: {@code module.name()}. */
    private static byte[] pickleOf(String module, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80);
        out.write(4);
        shortString(out, module);
        shortString(out, name);
        out.write(0x93);
        out.write(')');
        out.write('R');
        out.write('.');
        return out.toByteArray();
    }

    /** Protocol 4: a large bytes payload (the weights), then {@code module.name()} the scanner only meets at the end. */
    private static byte[] largePickleImporting(String module, String name, int payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload + 64);
        out.write(0x80);
        out.write(4);
        out.write(0x8e);
        for (int i = 0; i < 8; i++) {
            out.write((int) ((long) payload >>> 8 * i) & 0xff);
        }
        out.writeBytes(new byte[payload]);
        out.write('0');
        byte[] call = pickleOf(module, name);
        out.write(call, 2, call.length - 2);
        return out.toByteArray();
    }

    private static void shortString(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(0x8c);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }
}
