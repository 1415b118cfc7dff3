package io.anomstack.modelstore.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service as it is deployed: the packaged Spring Boot jar in a JVM of its own with a limited heap, pointed at
 * the benchmark's S3 endpoint, with the actuator's metrics endpoint exposed so that its heap can be watched.
 */
final class ServiceProcess implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** {@code Pause Young (Normal) (G1 Evacuation Pause) 150M->40M(256M) 5.123ms}: groups 1-2 are the heap before. */
    private static final Pattern GC_LINE = Pattern.compile("\\) (\\d+)([KMG])->\\d+[KMG]\\(\\d+[KMG]\\)");

    private final Process process;
    private final URI base;
    private final Path log;
    private final Path gcLog;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ServiceProcess(Process process, URI base, Path log, Path gcLog) {
        this.process = process;
        this.base = base;
        this.log = log;
        this.gcLog = gcLog;
    }

    /**
     * @param extraJvmArgs further JVM options for the service, such as a flight recording; empty for none
     * @param s3Endpoint   where the service reaches S3Proxy: S3Proxy itself, or a link in front of it
     */
    static ServiceProcess start(Path jar, String heap, List<String> extraJvmArgs, S3Side s3, URI s3Endpoint, Path log)
            throws Exception {
        Path gcLog = log.resolveSibling(log.getFileName().toString().replace(".log", "") + "-gc.log");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The service jar " + jar + " does not exist: run the benchmark through "
                    + "./mvnw -Pbench verify, which packages it first.");
        }
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                // Every collection logs the heap in use before it: the exact peaks between the actuator's samples.
                "-Xlog:gc:file=" + gcLog.toAbsolutePath()));
        command.addAll(extraJvmArgs);
        command.addAll(List.of(
                "-jar", jar.toAbsolutePath().toString(),
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--modelstore.s3.bucket=" + S3Side.BUCKET,
                "--modelstore.s3.endpoint=" + s3Endpoint,
                "--spring.cloud.aws.credentials.access-key=" + s3.accessKey(),
                "--spring.cloud.aws.credentials.secret-key=" + s3.secretKey(),
                "--management.endpoints.web.exposure.include=health,info,metrics",
                // The benchmark's client and memory monitor call without a key, as a service behind a gateway would.
                "--modelstore.security.allow-anonymous=true",
                "--spring.main.banner-mode=off",
                // Measured here: never published.
                "--modelstore.metrics.cloudwatch-enabled=false"));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ServiceProcess service = new ServiceProcess(process, URI.create("http://127.0.0.1:" + port), log, gcLog);
        service.awaitHealthy(Duration.ofMinutes(3));
        return service;
    }

    URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    long pid() {
        return process.pid();
    }

    private void awaitHealthy(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The service exited with " + process.exitValue() + " at start-up; see " + log);
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/actuator/health"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("The service did not become healthy within " + timeout + "; see " + log);
    }

    /** Heap in use now, from {@code /actuator/metrics/jvm.memory.used?tag=area:heap}, in bytes. */
    long heapUsed() throws IOException, InterruptedException {
        return metric("jvm.memory.used", "area:heap");
    }

    long heapMax() throws IOException, InterruptedException {
        return metric("jvm.memory.max", "area:heap");
    }

    private long metric(String name, String tag) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/actuator/metrics/" + name + "?tag=" + tag))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /actuator/metrics/" + name + " answered " + response.statusCode());
        }
        for (JsonNode measurement : JSON.readTree(response.body()).path("measurements")) {
            if ("VALUE".equals(measurement.path("statistic").asString())) {
                return (long) measurement.path("value").asDouble();
            }
        }
        throw new IOException("No VALUE in " + response.body());
    }

    /** How much of the GC log has been written so far: where the next transfer's collections start. */
    long gcLogPosition() {
        try {
            return Files.exists(gcLog) ? Files.size(gcLog) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The most heap in use before any collection logged since {@code position}, in bytes; -1 if none ran. */
    long heapBeforeGcSince(long position) {
        long peak = -1;
        try {
            byte[] all = Files.readAllBytes(gcLog);
            String text = new String(all, (int) Math.min(position, all.length), (int) Math.max(0, all.length - position),
                    java.nio.charset.StandardCharsets.UTF_8);
            Matcher matcher = GC_LINE.matcher(text);
            while (matcher.find()) {
                peak = Math.max(peak, bytes(matcher.group(1), matcher.group(2)));
            }
        } catch (IOException e) {
            return -1;
        }
        return peak;
    }

    private static long bytes(String value, String unit) {
        long n = Long.parseLong(value);
        return switch (unit) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            case "G" -> n << 30;
            default -> n;
        };
    }

    /** A line of {@code /proc/<pid>/status}, such as VmHWM or VmRSS, in bytes. */
    long procStatus(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;   // kB
            }
        }
        throw new IOException(field + " not in /proc/" + pid() + "/status");
    }

    /**
     * Resets the process's peak RSS (VmHWM) to its current RSS, so that a phase's peak is its own
     * ({@code echo 5 > /proc/<pid>/clear_refs}, Linux 4.0+).
     */
    boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid()), "clear_refs"), "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
