package io.anomstack.modelstore.packaged;

import io.anomstack.modelstore.support.ExternalTools;
import io.anomstack.modelstore.support.ForkedService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

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
        ExternalTools.onPath("python3");
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
}
