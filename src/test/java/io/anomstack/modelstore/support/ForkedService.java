package io.anomstack.modelstore.support;

import io.anomstack.modelstore.ModelStoreApplication;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service started as a process of its own (its own heap, its own environment): from the tests' class path, or from
 * the packaged jar the way a container runs it. Closing it stops the process.
 */
public final class ForkedService implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final URI base;
    private final Path log;

    private ForkedService(Process process, URI base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /** The service's main class on the test class path (target/classes and every dependency). */
    public static Builder fromClassPath() {
        return new Builder(List.of("-cp", System.getProperty("java.class.path"), ModelStoreApplication.class.getName()));
    }

    /** The executable jar built by {@code package}; only tests run by Failsafe (after {@code package}) have it. */
    public static Builder fromJar() {
        return new Builder(List.of("-jar", packagedJar().toString()));
    }

    /** Any command line that ends with what the JVM runs (a main class or {@code -jar}), after the JVM options. */
    public static Builder fromLauncher(List<String> launcher) {
        return new Builder(launcher);
    }

    /** The executable jar, named by Failsafe's {@code modelstore.jar} system property. */
    public static Path packagedJar() {
        String jar = System.getProperty("modelstore.jar");
        assertThat(jar).as("modelstore.jar is set by maven-failsafe-plugin: run this test with ./mvnw verify").isNotBlank();
        Path path = Path.of(jar);
        assertThat(path).as("the packaged jar").isRegularFile();
        return path;
    }

    /** A free TCP port on the loopback interface. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the process answers its health check, failing with its log when it exits or never gets there. */
    public static void awaitHealthy(HttpClient http, URI base, Process service, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(service.isAlive()).as("service exited:%n%s", Files.readString(log)).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("/actuator/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(250);
        }
        throw new AssertionError("The service did not become healthy:\n" + Files.readString(log));
    }

    public URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    public URI base() {
        return base;
    }

    public int port() {
        return base.getPort();
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: no shutdown hook, no graceful anything, like an OOM kill or a lost node. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, the way Kubernetes stops a pod; waits at most {@code timeout} and returns the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the service did not exit within " + timeout + " of SIGTERM:\n" + logText());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** What to run and with which settings; {@link #start()} picks the port and waits until the service is healthy. */
    public static final class Builder {

        private final List<String> launcher;
        private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m"));
        private final List<String> arguments = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<Predicate<String>> removedEnvironment = new ArrayList<>();
        private int port = freePort();
        private Path log;
        private Path workingDirectory;

        private Builder(List<String> launcher) {
            this.launcher = List.copyOf(launcher);
        }

        /** Replaces the default JVM options ({@code -Xmx512m}: an upload budget of 256 MiB, six streaming uploads at the default part size). */
        public Builder jvmOptions(String... options) {
            jvmOptions.clear();
            jvmOptions.addAll(List.of(options));
            return this;
        }

        /** Adds {@code --name=value}, a Spring property on the command line. */
        public Builder property(String name, Object value) {
            arguments.add("--" + name + "=" + value);
            return this;
        }

        /** Points the service at a bucket of {@code s3}; like every test, it never publishes to CloudWatch. */
        public Builder against(S3Backend s3, String bucket) {
            s3.serviceProperties(bucket).forEach(this::property);
            return property("modelstore.metrics.cloudwatch-enabled", false);
        }

        public Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** Removes inherited environment variables, e.g. {@code name -> name.startsWith("AWS_")}. */
        public Builder withoutEnv(Predicate<String> names) {
            removedEnvironment.add(names);
            return this;
        }

        /**
         * Removes every inherited setting of the service ({@code S3_*}, {@code AWS_*}, {@code MODELSTORE_*}), so that
         * only what the test sets applies, as in a fresh container.
         */
        public Builder withoutServiceEnv() {
            return withoutEnv(name -> name.startsWith("S3_") || name.startsWith("AWS_") || name.startsWith("MODELSTORE_"));
        }

        /** Reuses a port, e.g. to restart the service where its clients expect it. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder log(Path log) {
            this.log = log;
            return this;
        }

        public Builder workingDirectory(Path directory) {
            this.workingDirectory = directory;
            return this;
        }

        /** Starts the process and waits until {@code /actuator/health} answers 200. */
        public ForkedService start() throws Exception {
            ForkedService service = launch();
            try {
                awaitHealthy(HTTP, service.base, service.process, service.log);
            } catch (Exception | AssertionError e) {
                service.close();
                throw e;
            }
            return service;
        }

        /** Starts the process without waiting for it, for tests of how it fails to start. */
        public ForkedService launch() throws IOException {
            Path output = log != null ? log : Files.createTempFile("modelstore-service", ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(launcher);
            command.add("--server.port=" + port);
            command.addAll(arguments);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            builder.environment().keySet().removeIf(name -> removedEnvironment.stream().anyMatch(p -> p.test(name)));
            // The S3 API's default port 9000 would collide between services and test runs.
            builder.environment().put("MODELSTORE_S3API_PORT", "0");
            builder.environment().putAll(environment);
            return new ForkedService(builder.start(), URI.create("http://127.0.0.1:" + port), output);
        }
    }
}
