package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ExternalTools;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java client example of docs/clients.md, taken from that file as it stands, compiled and run in a JVM of its own against
 * the service with an API key required: the example cannot rot without this test failing.
 */
class JavaClientExampleIT {

    private static final String START = "<!-- java-example:start -->";
    private static final String END = "<!-- java-example:end -->";
    private static final String KEY = "trainer-secret-0123456789";

    @TempDir
    Path dir;

    @Test
    void theReadmesJavaExampleUploadsVerifiesAndCachesTheLatestModel() throws Exception {
        Path source = dir.resolve("src").resolve("ModelStoreExample.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, documentedExample());
        Path classes = Files.createDirectories(dir.resolve("classes"));
        compile(source, classes);
        byte[] model = TestData.randomBytes(2 * 1024 * 1024);
        Path modelFile = Files.write(dir.resolve("model.pkl"), model);

        try (S3ProxyBackend backend = S3ProxyBackend.inMemory();
             RunningService service = RunningService.start(serviceWithOneWriterKey(backend))) {
            ExternalTools.Result run = ExternalTools.run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-cp", classes.toString(), "ModelStoreExample", modelFile.toString()), dir,
                    Map.of("MODELSTORE_URL", "http://127.0.0.1:" + service.port(), "MODELSTORE_API_KEY", KEY),
                    Duration.ofMinutes(2));

            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(run.output()).containsPattern("uploaded /api/v1/models/my_batch/cpu_usage/versions/\\d{8}_\\d{6}")
                    .contains("downloaded version ", "sha256 " + TestData.sha256(model) + " verified")
                    .contains("not modified: keeping cpu_usage.pkl");
            assertThat(dir.resolve("cpu_usage.pkl")).hasBinaryContent(model);
            // The example's metadata header reached the descriptor.
            assertThat(service.send(HttpRequest.newBuilder(service.uri("/api/v1/models/my_batch/cpu_usage/latest/metadata"))
                    .header("X-API-Key", KEY)).body()).contains("\"n_components\":3");
        }
    }

    /** Anonymous callers are refused (not local mode, no allow-anonymous), so the example must send its key. */
    private static Map<String, Object> serviceWithOneWriterKey(S3ProxyBackend backend) {
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("java-example")));
        properties.put("modelstore.security.allow-anonymous", "false");
        properties.put("modelstore.security.api-keys[0].name", "trainer");
        properties.put("modelstore.security.api-keys[0].sha256", TestData.sha256(KEY.getBytes(StandardCharsets.UTF_8)));
        properties.put("modelstore.security.api-keys[0].role", "writer");
        return properties;
    }

    private static String documentedExample() throws Exception {
        String doc = Files.readString(Path.of("docs/clients.md"));
        int start = doc.indexOf(START);
        int end = doc.indexOf(END);
        assertThat(start).as("docs/clients.md has the marker %s", START).isNotNegative();
        assertThat(end).as("docs/clients.md has the marker %s after the start marker", END).isGreaterThan(start);
        String block = doc.substring(start + START.length(), end).strip();
        assertThat(block).startsWith("```java").endsWith("```");
        return block.substring("```java".length(), block.length() - "```".length());
    }

    private static void compile(Path source, Path classes) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int result = javac.run(null, errors, errors, "--release", "17", "-Xlint:all", "-Werror",
                "-d", classes.toString(), source.toString());
        assertThat(result).as("javac on the example of docs/clients.md:%n%s", errors.toString(StandardCharsets.UTF_8)).isZero();
    }
}
