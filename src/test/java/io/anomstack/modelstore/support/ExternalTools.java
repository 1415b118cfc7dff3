package io.anomstack.modelstore.support;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Programs outside the JVM that some tests drive: Node.js with the packages of {@code src/test/node} (installed by
 * {@code npm ci --prefix src/test/node}), the system's Chromium, Python. A test whose tool is missing is skipped, so that
 * {@code ./mvnw verify} works on a bare JDK; with {@code MODELSTORE_REQUIRE_TOOLS=true} (CI) it fails instead.
 */
public final class ExternalTools {

    public static final Path NODE_PROJECT = Path.of("src", "test", "node");
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String INSTALL_HINT = "run: npm ci --prefix src/test/node";

    private ExternalTools() {
    }

    /** The result of a command that ran to its end: exit code and everything it printed (stdout and stderr). */
    public record Result(int exitCode, String output) {
    }

    /** An executable an npm package of {@code src/test/node} installs in {@code node_modules/.bin}. */
    public static Path nodeBin(String name) {
        Path bin = NODE_PROJECT.resolve("node_modules").resolve(".bin").resolve(name);
        require(Files.isExecutable(bin), name + " is not installed in " + NODE_PROJECT + "; " + INSTALL_HINT);
        return bin.toAbsolutePath();
    }

    /** An npm package of {@code src/test/node}, for scripts that import it. */
    public static void requireNodePackage(String name) {
        require(Files.isDirectory(NODE_PROJECT.resolve("node_modules").resolve(name)),
                "the npm package " + name + " is not installed in " + NODE_PROJECT + "; " + INSTALL_HINT);
    }

    /** A program on the PATH, such as {@code node} or {@code python3}. */
    public static Path onPath(String program) {
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .findFirst();
        require(found.isPresent(), program + " is not on the PATH");
        return found.get();
    }

    public static Path chromium() {
        require(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing; install it with: apt-get install -y chromium");
        return CHROMIUM;
    }

    /** Skips the calling test when a tool is missing, or fails it when MODELSTORE_REQUIRE_TOOLS=true. */
    public static void require(boolean present, String problem) {
        if (present) {
            return;
        }
        if (Boolean.parseBoolean(System.getenv("MODELSTORE_REQUIRE_TOOLS"))) {
            throw new AssertionError(problem + " (MODELSTORE_REQUIRE_TOOLS=true: the tool is required here)");
        }
        Assumptions.abort(problem);
    }

    /** Runs a command to its end in {@code directory}, failing when it takes longer than {@code timeout}. */
    public static Result run(List<String> command, Path directory, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("modelstore-command", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                throw new AssertionError(command + " did not finish within " + timeout + ":\n" + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
