package io.anomstack.modelstore.support;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Adobe S3Mock as its own process, started from the executable jar the build copies to
 * {@code target/s3mock/s3mock-exec.jar} (maven-dependency-plugin, phase process-test-resources). Unlike
 * S3Proxy it stores and reports storage classes and server-side encryption (AES256, and aws:kms with the
 * key registered here), so tests can check what the service asked S3 for. It checks no signatures: any
 * access key and secret are accepted.
 * <p>
 * Both of its listeners are bound to 127.0.0.1: {@code --server.address} covers its HTTPS connector, and
 * {@link S3MockLoopbackConnector}, loaded from {@code loader.path}, the plain-HTTP one the tests use,
 * which would otherwise listen on every interface. Its output goes to {@code s3mock.log} in a fresh
 * directory under {@code target/s3mock/}.
 */
public final class S3MockBackend implements S3Backend {

    /**
     * The one KMS key S3Mock knows, as requests must name it: S3Mock accepts only the bare key id (the ARN
     * gets 400 "Invalid keyId", reported as KMS.NotFoundException) and reports that id back on the object.
     */
    public static final String KMS_KEY_ID = "7e1f5b2a-3c4d-4e8f-9a0b-1c2d3e4f5a6b";
    /** The same key as S3Mock registers it ({@code validKmsKeys} wants ARNs). */
    public static final String KMS_KEY_ARN = "arn:aws:kms:" + REGION + ":123456789012:key/" + KMS_KEY_ID;

    private static final Path JAR = Path.of("target", "s3mock", "s3mock-exec.jar");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final String ACCESS_KEY = "s3mock-access-key";
    private static final String SECRET_KEY = "s3mock-secret-key";

    private final Process process;
    private final Path log;
    private final URI endpoint;
    private final Thread killOnExit;

    private S3MockBackend(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.endpoint = URI.create("http://" + S3MockLoopbackConnector.ADDRESS + ":" + port);
        // Should a test JVM end without close(), do not leave the server running.
        this.killOnExit = new Thread(process::destroyForcibly, "s3mock-kill");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts S3Mock and returns once it answers S3 requests. */
    public static S3MockBackend start() throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: the build copies it in the "
                    + "process-test-resources phase, so run the tests through Maven (./mvnw test -Dtest=...).");
        }
        Path parent = Files.createDirectories(JAR.getParent());
        Path run = Files.createTempDirectory(parent, "run-");
        Path store = Files.createDirectories(run.resolve("store"));
        Path plugin = loopbackPlugin(run.resolve("plugin"));
        Path log = run.resolve("s3mock.log");
        int port = freePort();
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // S3Mock starts in about a third of the time on this kind of 2-core machine with C1 only.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m",
                "-Dloader.path=" + plugin.toAbsolutePath(),
                "-cp", JAR.toAbsolutePath().toString(),
                // PropertiesLauncher rather than java -jar, so that loader.path is honoured.
                "org.springframework.boot.loader.launch.PropertiesLauncher",
                "--http.port=" + port,
                "--server.port=0",
                "--server.address=" + S3MockLoopbackConnector.ADDRESS,
                "--com.adobe.testing.s3mock.store.root=" + store.toAbsolutePath(),
                "--com.adobe.testing.s3mock.store.validKmsKeys=" + KMS_KEY_ARN);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        S3MockBackend backend = new S3MockBackend(process, log, port);
        try {
            backend.awaitReady();
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
        return backend;
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String accessKey() {
        return ACCESS_KEY;
    }

    @Override
    public String secretKey() {
        return SECRET_KEY;
    }

    /** The server's output so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // Already exiting: the hook runs anyway and finds the process gone.
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        try (S3Client s3 = client()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("S3Mock exited with status " + process.exitValue()
                            + " before answering; its output (" + log + "):\n" + output());
                }
                try {
                    s3.listBuckets();
                    return;
                } catch (SdkClientException notYet) {
                    // Not listening yet.
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Mock did not answer ListBuckets at " + endpoint + " within "
                            + STARTUP_TIMEOUT.toSeconds() + " s; its output (" + log + "):\n" + output());
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for S3Mock", e);
        }
    }

    /** A directory S3Mock loads {@link S3MockLoopbackConnector} from, as an auto-configuration. */
    private static Path loopbackPlugin(Path dir) throws IOException {
        Class<?> type = S3MockLoopbackConnector.class;
        String classFile = type.getName().replace('.', '/') + ".class";
        Path target = dir.resolve(classFile);
        Files.createDirectories(target.getParent());
        try (InputStream in = type.getClassLoader().getResourceAsStream(classFile)) {
            if (in == null) {
                throw new IllegalStateException("Cannot find " + classFile + " on the test classpath");
            }
            Files.copy(in, target);
        }
        Path imports = dir.resolve("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
        Files.createDirectories(imports.getParent());
        Files.writeString(imports, type.getName() + "\n", StandardCharsets.UTF_8);
        return dir;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(S3MockLoopbackConnector.ADDRESS))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
