package io.anomstack.modelstore.soak;

import io.anomstack.modelstore.observability.Operation;
import io.anomstack.modelstore.support.FaultInjectingProxy;
import io.anomstack.modelstore.support.ForkedService;
import io.anomstack.modelstore.support.GeneratedBody;
import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.ServiceCalls;
import io.anomstack.modelstore.support.StoreAudit;
import org.springframework.boot.convert.DurationStyle;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A soak run: client threads upload (1 KB–50 MB, most of them small), download latest, list and delete, against one or
 * more replicas of the service, each running as its own process, for a fixed time; every operation goes to a replica
 * picked at random. Every answer is checked as it comes (a download's SHA-256; latest never older than the newest
 * version the clients already stored through that replica, or through any replica more than the latest TTL ago), and
 * at the end the bucket is audited against what the clients believe they stored ({@link StoreAudit}). {@code SoakIT}
 * runs it for a minute; {@code ./mvnw -Psoak verify} runs {@link #main} for ten, against the packaged jar, and writes
 * its section of docs/soak.md.
 */
public final class SoakDriver {

    /** What the clients do, and how often (weights out of 100). */
    enum Operation {
        UPLOAD(30), DOWNLOAD_LATEST(40), LIST(20), DELETE(10);

        final int weight;

        Operation(int weight) {
            this.weight = weight;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /**
     * @param models    models the clients share (uploads, downloads and deletes of one model overlap)
     * @param seed      makes the sequence of operations and sizes repeatable per thread
     * @param latestTtl how long a replica may show the latest it read before: the services' latest TTL
     */
    public record Settings(Duration duration, int threads, int models, long minBytes, long maxBytes, long seed,
                           Duration latestTtl) {

        public static Settings standard(Duration duration) {
            return new Settings(duration, 16, 12, 1024, 50L << 20, 42, Duration.ofSeconds(5));
        }
    }

    /** When and through which replica a client saw a version acknowledged. */
    private record Acknowledged(long nanos, int replica) {
    }

    /** The service's heap in use, its live data after the last collection, and its live threads. */
    public record ServiceState(long heapUsedBytes, long liveDataBytes, long liveThreads) {
    }

    /** One operation's figures; latencies in milliseconds. */
    public record Figures(String operation, long count, long errors, double p50, double p99, double max) {
    }

    /**
     * @param errorSamples the first errors, word for word
     * @param start        the service before the first request
     * @param warm         the service a quarter into the run, warmed up: pools, caches and buffers filled
     * @param end          the service after the last request
     */
    public record Result(Settings settings, Duration elapsed, List<Figures> figures, long errors, List<String> errorSamples,
                         long bytesUploaded, long bytesDownloaded, ServiceState start, ServiceState warm,
                         ServiceState end, StoreAudit.Findings audit) {

        public long operations() {
            return figures.stream().mapToLong(Figures::count).sum();
        }

        public double operationsPerSecond() {
            return operations() / (elapsed.toMillis() / 1000.0);
        }

        /** The results as markdown tables. */
        public String table() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "%d client threads for %s: %d operations, %.1f ops/s, %d errors; "
                            + "%.1f MiB uploaded, %.1f MiB downloaded%n%n", settings.threads(), format(elapsed), operations(),
                    operationsPerSecond(), errors, bytesUploaded / MIB, bytesDownloaded / MIB));
            out.append("| operation | count | errors | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n");
            figures.forEach(f -> out.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.1f |%n",
                    f.operation(), f.count(), f.errors(), f.p50(), f.p99(), f.max())));
            out.append("\n| service | at start | after a quarter of the run | at end |\n|---|---:|---:|---:|\n");
            out.append(String.format(Locale.ROOT, "| heap used | %.0f MiB | %.0f MiB | %.0f MiB |%n",
                    start.heapUsedBytes() / MIB, warm.heapUsedBytes() / MIB, end.heapUsedBytes() / MIB));
            out.append(String.format(Locale.ROOT, "| live data after the last GC | %.0f MiB | %.0f MiB | %.0f MiB |%n",
                    start.liveDataBytes() / MIB, warm.liveDataBytes() / MIB, end.liveDataBytes() / MIB));
            out.append(String.format(Locale.ROOT, "| live threads | %d | %d | %d |%n", start.liveThreads(),
                    warm.liveThreads(), end.liveThreads()));
            out.append(String.format(Locale.ROOT, "%nAudit: %d versions (%.1f MiB) downloaded and verified, %d problems, "
                            + "%d incomplete multipart uploads.%n", audit.versions(), audit.bytesVerified() / MIB,
                    audit.problems().size(), audit.incompleteUploads()));
            audit.problems().stream().limit(20).forEach(problem -> out.append("- ").append(problem).append('\n'));
            errorSamples.forEach(error -> out.append("- error: ").append(error).append('\n'));
            return out.toString();
        }
    }

    public static final String BUCKET = "soak";
    /** Room for 16 concurrent uploads with up to 40 MB of part buffers each, beside the read cache. */
    static final String SERVICE_HEAP = "-Xmx1g";
    /**
     * An upload budget that admits every client thread's upload at once: the clients send chunked bodies, and an upload
     * of unknown length reserves part size × (parts in flight + 1) and its buffers, 40.7 MiB with the defaults.
     */
    static final String UPLOAD_BUDGET = "700MB";

    private static final double MIB = 1 << 20;
    private static final int ERROR_SAMPLES = 20;

    private final Settings settings;
    private final List<ServiceCalls> replicas;
    private final StoreAudit audit;
    private final Map<StoreAudit.Model, ConcurrentSkipListMap<String, String>> believed = new ConcurrentHashMap<>();
    private final Map<String, Acknowledged> acknowledged = new ConcurrentHashMap<>();
    private final Map<StoreAudit.Model, ReadWriteLock> deleting = new ConcurrentHashMap<>();
    private final Map<Operation, List<Long>> latencies = new EnumMap<>(Operation.class);
    private final Map<Operation, AtomicLong> errors = new EnumMap<>(Operation.class);
    private final List<String> errorSamples = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesUploaded = new AtomicLong();
    private final AtomicLong bytesDownloaded = new AtomicLong();
    private final List<StoreAudit.Model> models = new ArrayList<>();

    public SoakDriver(Settings settings, List<ServiceCalls> replicas, StoreAudit audit, String batch) {
        this.settings = settings;
        this.replicas = List.copyOf(replicas);
        this.audit = audit;
        for (int i = 0; i < settings.models(); i++) {
            StoreAudit.Model model = new StoreAudit.Model(batch, "metric_" + i);
            models.add(model);
            believed.put(model, new ConcurrentSkipListMap<>());
            deleting.put(model, new ReentrantReadWriteLock());
        }
        for (Operation operation : Operation.values()) {
            latencies.put(operation, Collections.synchronizedList(new ArrayList<>()));
            errors.put(operation, new AtomicLong());
        }
    }

    /** Runs the clients for the configured time, then audits the store. */
    public Result run() throws Exception {
        ServiceState start = serviceState();
        long begin = System.nanoTime();
        long deadline = begin + settings.duration().toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(settings.threads());
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < settings.threads(); i++) {
            SplittableRandom random = new SplittableRandom(settings.seed() + i);
            running.add(clients.submit(() -> {
                while (System.nanoTime() < deadline) {
                    perform(pick(random), random);
                }
                return null;
            }));
        }
        Thread.sleep(settings.duration().toMillis() / 4);
        ServiceState warm = serviceState();
        for (Future<?> client : running) {
            client.get();
        }
        clients.shutdown();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - begin);
        ServiceState end = serviceState();
        if (replicas.size() > 1) {
            // The audit reads through the first replica, which may show the latest it read for up to the TTL.
            Thread.sleep(settings.latestTtl().toMillis() + 250);
        }
        Map<StoreAudit.Model, Map<String, String>> expected = new ConcurrentHashMap<>(believed);
        StoreAudit.Findings findings = audit.audit(expected);
        List<Figures> figures = new ArrayList<>();
        for (Operation operation : Operation.values()) {
            List<Long> nanos;
            synchronized (latencies.get(operation)) {
                nanos = new ArrayList<>(latencies.get(operation));
            }
            Collections.sort(nanos);
            figures.add(new Figures(operation.label(), nanos.size(), errors.get(operation).get(), percentile(nanos, 0.5),
                    percentile(nanos, 0.99), nanos.isEmpty() ? 0 : nanos.get(nanos.size() - 1) / 1e6));
        }
        long errorCount = errors.values().stream().mapToLong(AtomicLong::get).sum();
        return new Result(settings, elapsed, figures, errorCount, List.copyOf(errorSamples), bytesUploaded.get(),
                bytesDownloaded.get(), start, warm, end, findings);
    }

    private static Operation pick(SplittableRandom random) {
        int roll = random.nextInt(100);
        for (Operation operation : Operation.values()) {
            roll -= operation.weight;
            if (roll < 0) {
                return operation;
            }
        }
        throw new IllegalStateException("weights add up to 100");
    }

    private void perform(Operation operation, SplittableRandom random) {
        StoreAudit.Model model = models.get(random.nextInt(models.size()));
        int replica = random.nextInt(replicas.size());
        long started = System.nanoTime();
        try {
            String failure = switch (operation) {
                case UPLOAD -> upload(model, replica, random);
                case DOWNLOAD_LATEST -> downloadLatest(model, replica);
                case LIST -> list(model, replica);
                case DELETE -> delete(model, replica, random);
            };
            if (failure != null) {
                error(operation, model + ": " + failure);
            }
        } catch (IOException | RuntimeException e) {
            error(operation, model + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(operation, model + ": interrupted");
        }
        latencies.get(operation).add(System.nanoTime() - started);
    }

    private void error(Operation operation, String what) {
        errors.get(operation).incrementAndGet();
        if (errorSamples.size() < ERROR_SAMPLES) {
            errorSamples.add(operation.label() + " " + what);
        }
    }

    /** Sizes spread evenly over orders of magnitude after a cube: most models are small, a few are large. */
    private long size(SplittableRandom random) {
        double u = random.nextDouble();
        double orders = Math.log((double) settings.maxBytes() / settings.minBytes());
        return Math.round(settings.minBytes() * Math.exp(orders * u * u * u));
    }

    private String upload(StoreAudit.Model model, int replica, SplittableRandom random)
            throws IOException, InterruptedException {
        GeneratedBody body = new GeneratedBody(size(random), random.nextLong(), random.nextBoolean());
        HttpResponse<String> answer = replicas.get(replica).upload(model.path(), body);
        if (answer.statusCode() != 201) {
            return "upload answered " + answer.statusCode() + " " + answer.body();
        }
        bytesUploaded.addAndGet(body.size());
        JsonNode descriptor = ModelStoreClient.json(answer.body());
        String version = descriptor.get("version").asString();
        if (!body.sha256().equals(descriptor.get("sha256").asString())) {
            return "version " + version + " has sha256 " + descriptor.get("sha256").asString() + ", sent " + body.sha256();
        }
        acknowledged.put(model.path() + "/" + version, new Acknowledged(System.nanoTime(), replica));
        String previous = believed.get(model).putIfAbsent(version, body.sha256());
        return previous == null ? null : "version " + version + " was given to two uploads";
    }

    /**
     * The newest version that {@code replica} must show as latest (or a newer one) from now on: acknowledged through it,
     * or through another replica longer than the latest TTL ago (and a little, for the clocks of the processes).
     */
    private String newestSettled(StoreAudit.Model model, int replica) {
        long settledBefore = System.nanoTime() - settings.latestTtl().toNanos() - TimeUnit.MILLISECONDS.toNanos(250);
        for (String version : believed.get(model).descendingKeySet()) {
            Acknowledged ack = acknowledged.get(model.path() + "/" + version);
            if (ack != null && (ack.replica() == replica || ack.nanos() < settledBefore)) {
                return version;
            }
        }
        return null;
    }

    private String downloadLatest(StoreAudit.Model model, int replica) throws IOException, InterruptedException {
        ReadWriteLock lock = deleting.get(model);
        lock.readLock().lock();
        try {
            ConcurrentSkipListMap<String, String> versions = believed.get(model);
            String newestBefore = newestSettled(model, replica);
            ServiceCalls.Download download = replicas.get(replica).download(model.path() + "/latest");
            if (download.status() == 404 && newestBefore == null) {
                return null;
            }
            if (download.status() != 200) {
                return "latest answered " + download.status();
            }
            bytesDownloaded.addAndGet(download.bytes());
            String version = download.headers().firstValue("X-Model-Version").orElse("");
            if (newestBefore != null && version.compareTo(newestBefore) < 0) {
                return "latest is " + version + ", older than " + newestBefore + " stored before the request";
            }
            String sha256 = awaitBelieved(versions, version);
            if (sha256 == null) {
                return "latest is " + version + ", which no client stored";
            }
            return sha256.equals(download.sha256()) ? null
                    : "latest " + version + " downloaded with sha256 " + download.sha256() + ", stored with " + sha256;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The digest a client stored a version with; its upload may have been committed an instant before its answer came. */
    private static String awaitBelieved(Map<String, String> versions, String version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String sha256 = versions.get(version);
        while (sha256 == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
            sha256 = versions.get(version);
        }
        return sha256;
    }

    private String list(StoreAudit.Model model, int replica) throws IOException, InterruptedException {
        HttpResponse<String> page = replicas.get(replica).get(model.path() + "/versions?limit=20");
        if (page.statusCode() == 404 && believed.get(model).isEmpty()) {
            return null;
        }
        return page.statusCode() == 200 ? null : "listing answered " + page.statusCode() + " " + page.body();
    }

    /**
     * Deletes a random version older than every one latest may show on any replica: older than the newest version
     * acknowledged longer than the latest TTL ago (with one replica, than the newest). Not while the model is being
     * downloaded: a version deleted mid-download cuts that download short, which is right but not what this measures.
     */
    private String delete(StoreAudit.Model model, int replica, SplittableRandom random)
            throws IOException, InterruptedException {
        ReadWriteLock lock = deleting.get(model);
        lock.writeLock().lock();
        try {
            ConcurrentSkipListMap<String, String> versions = believed.get(model);
            String settled = replicas.size() == 1 ? (versions.isEmpty() ? null : versions.lastKey())
                    : newestSettled(model, -1);
            List<String> older = new ArrayList<>(versions.headMap(settled == null ? "" : settled).keySet());
            if (older.isEmpty()) {
                return null;
            }
            String version = older.get(random.nextInt(older.size()));
            HttpResponse<String> answer = replicas.get(replica).delete(model.path() + "/versions/" + version);
            if (answer.statusCode() != 204) {
                return "delete of " + version + " answered " + answer.statusCode() + " " + answer.body();
            }
            versions.remove(version);
            acknowledged.remove(model.path() + "/" + version);
            return null;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private ServiceState serviceState() throws IOException, InterruptedException {
        return new ServiceState(metric("jvm.memory.used?tag=area:heap"), metric("jvm.gc.live.data.size"),
                metric("jvm.threads.live"));
    }

    private long metric(String nameAndTags) throws IOException, InterruptedException {
        HttpResponse<String> answer = replicas.get(0).get("/actuator/metrics/" + nameAndTags);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("/actuator/metrics/" + nameAndTags + " answered " + answer.statusCode());
        }
        return ModelStoreClient.json(answer.body()).get("measurements").get(0).get("value").asLong();
    }

    private static double percentile(List<Long> sortedNanos, double quantile) {
        if (sortedNanos.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(quantile * sortedNanos.size()) - 1;
        return sortedNanos.get(Math.max(0, index)) / 1e6;
    }

    private static String format(Duration duration) {
        return duration.toMinutes() > 0 ? duration.toMinutes() + " min " + duration.toSecondsPart() + " s"
                : duration.toSeconds() + " s";
    }

    /**
     * The long run ({@code ./mvnw -Psoak verify}): S3Proxy on the filesystem in this JVM, {@code -Dsoak.replicas} (default
     * 1) replicas of the packaged jar, each in a JVM of its own, for {@code -Dsoak.duration} (default 10m); writes the
     * tables to the section of {@code -Dsoak.output} for that number of replicas.
     */
    public static void main(String[] args) throws Exception {
        Duration duration = DurationStyle.detectAndParse(System.getProperty("soak.duration", "10m"));
        int replicaCount = Integer.parseInt(System.getProperty("soak.replicas", "1"));
        Path workDir = Path.of(System.getProperty("soak.work-dir", "target/soak"));
        Path output = Path.of(System.getProperty("soak.output", "docs/soak.md"));
        Settings settings = Settings.standard(duration);
        Files.createDirectories(workDir);
        String loadBefore = loadAverage();
        Instant date = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Result result;
        List<ForkedService> services = new ArrayList<>();
        try (S3ProxyBackend s3 = S3ProxyBackend.filesystem(Files.createTempDirectory(workDir, "s3-"));
             FaultInjectingProxy atomicS3 = FaultInjectingProxy.start(s3.endpoint(), 1).atomicConditionalWrites();
             S3Client client = s3.client()) {
            String bucket = s3.createBucket(BUCKET);
            for (int i = 0; i < replicaCount; i++) {
                services.add(startReplica(ForkedService.fromJar(), s3, bucket, replicaCount == 1 ? null : atomicS3,
                        settings, workDir.resolve("service-" + i + ".log")));
            }
            List<ServiceCalls> calls = services.stream().map(service -> new ServiceCalls(service.base())).toList();
            result = new SoakDriver(settings, calls, new StoreAudit(calls.get(0), client, BUCKET, "models/"), "soak").run();
        } finally {
            for (ForkedService service : services) {
                service.close();
            }
        }
        String replicasText = replicaCount == 1 ? "the packaged service (`" + SERVICE_HEAP + "`) in a JVM of its own"
                : replicaCount + " replicas of the packaged service (`" + SERVICE_HEAP + "` each, each in a JVM of its "
                + "own, every operation sent to one picked at random) on one bucket, through a proxy that makes S3Proxy's "
                + "conditional writes atomic as Amazon S3's are";
        String report = "`./mvnw -B -Psoak verify -Dsoak.replicas=" + replicaCount + "` (`-Dsoak.duration="
                + System.getProperty("soak.duration", "10m") + "`): " + settings.threads() + " client threads against "
                + replicasText + ", S3Proxy (filesystem) in the driver's JVM, all on one machine. Each thread picks "
                + "upload (30 %), download latest (40 %), list versions (20 %) or delete an older version (10 %) of one "
                + "of " + settings.models() + " models; uploads are 1 KB–50 MB (log-uniform after a cube: median about "
                + "4 KB, 1 in 20 over 10 MB), half of them compressible.\n\n"
                + "Run " + date + " on " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.runtime.version") + ", load average (1/5/15 min) " + loadBefore + " before and "
                + loadAverage() + " after.\n\n"
                + result.table();
        writeSection(output, replicaCount, report);
        System.out.println(report);
        if (result.errors() > 0 || !result.audit().problems().isEmpty()) {
            throw new IllegalStateException("The soak run had " + result.errors() + " errors and "
                    + result.audit().problems().size() + " audit problems; see " + output);
        }
    }

    /** The service against {@code s3}, with a heap of {@link #SERVICE_HEAP}. */
    public static ForkedService startService(ForkedService.Builder launcher, S3ProxyBackend s3, Path log) throws Exception {
        return launcher.jvmOptions(SERVICE_HEAP)
                .against(s3, s3.createBucket(BUCKET))
                .property("modelstore.upload.memory-budget", UPLOAD_BUDGET)
                .log(log)
                .start();
    }

    /** One replica on {@code bucket}, reaching S3 through {@code atomicS3} when there is one. */
    private static ForkedService startReplica(ForkedService.Builder launcher, S3ProxyBackend s3, String bucket,
                                              FaultInjectingProxy atomicS3, Settings settings, Path log) throws Exception {
        s3.serviceProperties(bucket).forEach((name, value) -> launcher.property(name,
                atomicS3 != null && name.equals("modelstore.s3.endpoint") ? atomicS3.endpoint() : value));
        return launcher.jvmOptions(SERVICE_HEAP)
                .property("modelstore.metrics.cloudwatch-enabled", false)
                .property("modelstore.upload.memory-budget", UPLOAD_BUDGET)
                .property("modelstore.cache.latest-ttl", settings.latestTtl().toMillis() + "ms")
                .log(log)
                .start();
    }

    /** Replaces the report of the run with {@code replicas} replicas in docs/soak.md, keeping the others. */
    private static void writeSection(Path output, int replicas, String report) throws IOException {
        String title = "## " + (replicas == 1 ? "One replica" : replicas + " replicas");
        String begin = "<!-- soak:" + replicas + ":start -->";
        String end = "<!-- soak:" + replicas + ":end -->";
        String section = begin + "\n" + title + "\n\n" + report + end;
        String text = Files.exists(output) ? Files.readString(output) : SOAK_HEADER;
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        text = from >= 0 && to > from ? text.substring(0, from) + section + text.substring(to + end.length())
                : text.stripTrailing() + "\n\n" + section + "\n";
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, text);
    }

    private static final String SOAK_HEADER = "# Soak test\n\nLong mixed-load runs against the packaged service; see "
            + "[reliability.md](reliability.md). Each section is written by its run.\n";

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " / " + fields[1] + " / " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
