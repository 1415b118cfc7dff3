package io.anomstack.modelstore.packaged;

import io.anomstack.modelstore.support.Directories;
import io.anomstack.modelstore.support.Dockerfile;
import io.anomstack.modelstore.support.ExternalTools;
import io.anomstack.modelstore.support.ForkedService;
import io.anomstack.modelstore.support.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the container runs, without a Docker engine: the packaged jar extracted by the Dockerfile's own RUN command,
 * its layers merged the way the COPY instructions merge them into the image's workdir, and the ENTRYPOINT's command
 * line run there with the Dockerfile's ENV. Only {@code java}'s path is replaced (and local mode's data directory
 * pointed into the test's directory), so the image's launcher, class path and JVM flags are what is tested.
 */
class ContainerEntrypointPackagedIT {

    private static final String EXTRACTED = "/extracted";
    private static final Dockerfile DOCKERFILE = Dockerfile.ofProject();

    @TempDir
    static Path dir;
    private static Path workdir;

    @BeforeAll
    static void layOutTheImage() throws Exception {
        workdir = layOutImageWorkdir();
    }

    @Test
    void theImagesCommandLineServesModelsAndStopsOnSigterm() throws Exception {
        Map<String, Long> imageFiles = files(workdir);
        List<String> entrypoint = DOCKERFILE.entrypoint();

        ForkedService.Builder builder = ForkedService.fromLauncher(entrypoint.subList(1, entrypoint.size()))
                .jvmOptions()
                .withoutServiceEnv()
                .workingDirectory(workdir)
                .log(dir.resolve("service.log"));
        DOCKERFILE.env().forEach(builder::env);
        builder.env("MODELSTORE_DATA_DIR", dir.resolve("data").toString());

        byte[] model = TestData.randomBytes(3 * 1024 * 1024);
        try (ForkedService service = builder.start()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> upload = http.send(HttpRequest.newBuilder(service.uri("/api/v1/models/container/cpu"))
                    .header("Content-Type", "application/octet-stream")
                    .header("X-Model-Sha256", TestData.sha256(model))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(model)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);

            HttpResponse<byte[]> latest = http.send(HttpRequest.newBuilder(service.uri("/api/v1/models/container/cpu/latest"))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(latest.statusCode()).isEqualTo(200);
            assertThat(latest.body()).isEqualTo(model);
            assertThat(service.logText()).contains("Picked up JAVA_TOOL_OPTIONS: " + DOCKERFILE.env().get("JAVA_TOOL_OPTIONS"));

            long stopping = System.nanoTime();
            int exitCode = service.terminate(Duration.ofSeconds(15));
            Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);
            System.out.printf("The image's command line stopped %d ms after SIGTERM, exit code %d%n", stopped.toMillis(), exitCode);
            // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
            assertThat(exitCode).as(service.logText()).isIn(0, 143);
        }
        // A read-only root filesystem would have refused any write here.
        assertThat(files(workdir)).as("files in the image's workdir after a run").isEqualTo(imageFiles);
    }

    @Test
    void argumentsAfterTheImageNameReachTheService() throws Exception {
        // docker run anomstack-model-store hash-key
        List<String> command = new ArrayList<>(DOCKERFILE.entrypoint());
        command.set(0, java());
        command.add("hash-key");

        ExternalTools.Result hashKey = ExternalTools.run(command, workdir, DOCKERFILE.env(), Duration.ofMinutes(1));

        assertThat(hashKey.exitCode()).as(hashKey.output()).isZero();
        assertThat(hashKey.output()).containsPattern("sha256: [0-9a-f]{64}");
    }

    /** The Dockerfile's extraction command on the packaged jar, then its COPY --from=build lines into one directory. */
    private static Path layOutImageWorkdir() throws IOException, InterruptedException {
        String extract = DOCKERFILE.runs().stream().filter(run -> run.startsWith("java -Djarmode=tools ")).findFirst()
                .orElseThrow(() -> new AssertionError("The Dockerfile has no 'RUN java -Djarmode=tools' extraction"));
        Path extracted = dir.resolve("extracted");
        List<String> command = new ArrayList<>(Dockerfile.words(extract));
        command.set(0, java());
        command.set(command.indexOf("-jar") + 1, ForkedService.packagedJar().toString());
        assertThat(command.get(command.indexOf("--destination") + 1)).isEqualTo(EXTRACTED);
        command.set(command.indexOf("--destination") + 1, extracted.toString());
        ExternalTools.Result result = ExternalTools.run(command, dir, Map.of(), Duration.ofMinutes(2));
        assertThat(result.exitCode()).as(result.output()).isZero();

        Path workdir = dir.resolve("app");
        List<String> copies = DOCKERFILE.finalStage("COPY");
        assertThat(copies).isNotEmpty();
        for (String copy : copies) {
            List<String> words = Dockerfile.words(copy);
            assertThat(words).as("COPY %s", copy).hasSize(3).first().isEqualTo("--from=build");
            assertThat(words.get(1)).startsWith(EXTRACTED + "/");
            assertThat(words.get(2)).isEqualTo("./");
            Directories.copy(extracted.resolve(words.get(1).substring(EXTRACTED.length() + 1)), workdir);
        }
        return workdir;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Every file below the directory with its size and modification time. */
    private static Map<String, Long> files(Path root) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.forEach(path -> {
                try {
                    files.put(root.relativize(path) + " " + Files.size(path), Files.getLastModifiedTime(path).toMillis());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return files;
    }
}
