package io.anomstack.modelstore.packaged;

import io.anomstack.modelstore.support.ForkedService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Python client (clients/python) passes its own tests against the jar that ships: they start the jar themselves,
 * so this test only runs them and reports their output. Without python3 it is skipped, unless
 * {@code MODELSTORE_REQUIRE_TOOLS=true} says that a missing interpreter is a failure.
 */
class PythonClientPackagedIT {

    private static final Path CLIENT = Path.of("clients", "python");
    private static final long TIMEOUT_MINUTES = 10;

    @TempDir
    Path dir;

    @Test
    void thePythonClientPassesItsTestsAgainstTheExecutableJar() throws Exception {
        requirePython();
        Path output = dir.resolve("unittest.log");
        ProcessBuilder tests = new ProcessBuilder("python3", "-m", "unittest", "discover", "-s",
                CLIENT.resolve("tests").toString(), "-v")
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        tests.environment().put("MODELSTORE_JAR", ForkedService.packagedJar().toString());
        tests.environment().put("PYTHONPATH", CLIENT.toString());
        // No __pycache__ folders in the source tree.
        tests.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process = tests.start();
        boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            // The tests' own tearDownModule stops the jar; a hung run is ended with its children.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String log = Files.readString(output);
        System.out.println(log);
        assertThat(finished).as("the Python tests finished within %d minutes", TIMEOUT_MINUTES).isTrue();
        assertThat(process.exitValue()).as("python3 -m unittest exit code; its output:%n%s", log).isZero();
    }

    private static void requirePython() {
        boolean onPath = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(folder -> !folder.isEmpty() && Files.isExecutable(Path.of(folder, "python3")));
        if (!onPath && Boolean.parseBoolean(System.getenv("MODELSTORE_REQUIRE_TOOLS"))) {
            fail("python3 is not on the PATH, and MODELSTORE_REQUIRE_TOOLS=true requires it for the Python client's tests.");
        }
        assumeTrue(onPath, "python3 is not on the PATH: the Python client's tests are skipped.");
    }
}
