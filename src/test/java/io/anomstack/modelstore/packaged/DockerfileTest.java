package io.anomstack.modelstore.packaged;

import io.anomstack.modelstore.support.Dockerfile;
import io.anomstack.modelstore.support.ExternalTools;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container image's rules, read from the Dockerfile (no Docker engine needed): it lints clean, runs as a fixed
 * non-root uid, gets SIGTERM in the JVM, sizes the heap by the container's memory and carries OCI labels.
 */
class DockerfileTest {

    private final Dockerfile dockerfile = Dockerfile.ofProject();

    @Test
    void dockerfilelintFindsNothing() throws Exception {
        ExternalTools.Result lint = ExternalTools.run(
                List.of(ExternalTools.nodeBin("dockerfilelint").toString(), "Dockerfile"), Path.of("."), Map.of(), Duration.ofSeconds(60));

        assertThat(lint.exitCode()).as(lint.output()).isZero();
        assertThat(lint.output()).contains("Issues: None found");
    }

    @Test
    void theImageRunsAsTheFixedNumericNonRootUser() {
        // Numeric, so that Kubernetes' runAsNonRoot can check it; 10001 is what the Helm chart's securityContext sets.
        assertThat(dockerfile.finalStage("USER")).containsExactly("10001:10001");
        assertThat(dockerfile.runs()).anySatisfy(run -> assertThat(run)
                .contains("groupadd --system --gid 10001").contains("useradd --system --uid 10001"));
    }

    @Test
    void theJvmIsPidOneAndExitsOnOutOfMemoryWhateverTheDeploymentSets() {
        List<String> entrypoint = dockerfile.entrypoint();

        assertThat(entrypoint.get(0)).isEqualTo("java");
        // Command-line flags win over JAVA_TOOL_OPTIONS.
        assertThat(entrypoint).contains("-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp");
        assertThat(entrypoint.get(entrypoint.size() - 1)).isEqualTo("org.springframework.boot.loader.launch.JarLauncher");
    }

    @Test
    void theHeapIsAShareOfTheContainersMemoryThatJavaToolOptionsCanChange() {
        assertThat(dockerfile.env().get("JAVA_TOOL_OPTIONS")).containsPattern("-XX:MaxRAMPercentage=\\d+(\\.\\d+)?")
                .contains("-XX:+ExitOnOutOfMemoryError");
        // On the command line they would win over a deployment's JAVA_TOOL_OPTIONS (the Helm chart sets its own share).
        assertThat(dockerfile.entrypoint()).noneMatch(option -> option.startsWith("-XX:MaxRAMPercentage")
                || option.startsWith("-Xmx") || option.startsWith("-XX:MaxRAM"));
    }

    @Test
    void onlyTmpIsWrittenSoTheRootFilesystemCanBeReadOnly() {
        assertThat(dockerfile.env()).containsEntry("MODELSTORE_DATA_DIR", "/tmp/modelstore-data");
        assertThat(dockerfile.finalStage("VOLUME")).isEmpty();
    }

    @Test
    void theImageListensOn8080AndTheS3ApisPortAndCarriesOciLabels() {
        assertThat(dockerfile.finalStage("EXPOSE")).containsExactly("8080 9000");
        String labels = String.join(" ", dockerfile.finalStage("LABEL"));
        assertThat(labels).contains("org.opencontainers.image.title=", "org.opencontainers.image.description=",
                "org.opencontainers.image.version=\"${VERSION}\"", "org.opencontainers.image.revision=\"${REVISION}\"");
        assertThat(dockerfile.finalStage("ARG")).anyMatch(arg -> arg.startsWith("VERSION"))
                .anyMatch(arg -> arg.startsWith("REVISION"));
    }

    @Test
    void theSpringBootLayersAreCopiedOneByOneLeastChangedFirst() {
        assertThat(dockerfile.runs()).anyMatch(run -> run.startsWith("java -Djarmode=tools -jar ")
                && run.contains(" extract --layers --launcher --destination /extracted"));
        assertThat(dockerfile.finalStage("COPY")).containsExactly(
                "--from=build /extracted/dependencies/ ./",
                "--from=build /extracted/spring-boot-loader/ ./",
                "--from=build /extracted/snapshot-dependencies/ ./",
                "--from=build /extracted/application/ ./");
    }
}
