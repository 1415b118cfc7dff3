package io.anomstack.modelstore.bench;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures the service against direct AWS SDK access to the same S3 server, in one run: transfer throughput,
 * GET latest latency under concurrency, the service's memory during large uploads, and the S3 requests a GET
 * latest costs as versions pile up. Prints a markdown report and writes it to {@code docs/benchmarks.md}.
 * Run it with {@code ./mvnw -Pbench verify}; see docs/benchmarks.md, "How it runs".
 */
public final class Benchmark {

    private static final double MIB = 1024 * 1024;
    private static final long SEED_RANDOM = 0x5EED_0001L;
    private static final long SEED_MODEL = 0x5EED_0002L;
    private static final long SEED_MEMORY = 0x5EED_0003L;
    private static final long SEED_LATENCY = 0x5EED_0004L;
    private static final long SEED_WARMUP = 0x5EED_0005L;
    private static final long SEED_SMALL = 0x5EED_0006L;
    /** A small model, such as most of Anomstack's are: the scorers' GET latest is answered from the cache. */
    private static final long SMALL_MODEL_BYTES = 100 * 1000;
    /**
     * Small requests per kind, after as many of each kind to warm up: the request path runs interpreted until the JIT
     * has seen thousands of requests, which made a cold filter chain weigh on the rates of an earlier, shorter measurement.
     */
    private static final int SMALL_REQUESTS = 20_000;
    /** The service's default zstd level, for the floor. */
    private static final int ZSTD_LEVEL = 1;
    /** The service's default modelstore.cache.latest-ttl: how long it trusts a cached latest pointer. */
    private static final Duration LATEST_TTL = Duration.ofSeconds(5);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter VERSION_FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

    private final BenchConfig config;
    private final Report report = new Report();
    private final long startNanos = System.nanoTime();
    private S3Side s3;
    /** The direct client of the scenario being measured: to S3Proxy itself, or through the shaped link. */
    private S3Client direct;
    private ServiceProcess service;
    private ServiceClient client;
    private CpuMeter cpu;

    private Benchmark(BenchConfig config) {
        this.config = config;
    }

    public static void main(String[] args) throws Exception {
        BenchConfig config = BenchConfig.fromSystemProperties();
        new Benchmark(config).run();
    }

    private void run() throws Exception {
        Path work = config.workDir().toAbsolutePath();
        deleteRecursively(work);
        Path files = Files.createDirectories(work.resolve("files"));
        report.machine(Machine.describe(config));
        log("machine: " + report.machineSummary());

        log("generating test files in " + files);
        Path randomFile = files.resolve("random.bin");
        String randomSha = Digests.hex(RandomBytes.writeFile(randomFile, config.randomSize(), SEED_RANDOM));
        Path modelFile = files.resolve("model.pkl");
        String modelSha = Digests.hex(PickledModel.write(modelFile, config.modelSize(), SEED_MODEL));
        Path latencyRandom = files.resolve("latency-random.bin");
        String latencyRandomSha = Digests.hex(RandomBytes.writeFile(latencyRandom, config.latencySize(), SEED_LATENCY));
        Path latencyModel = files.resolve("latency-model.pkl");
        String latencyModelSha = Digests.hex(PickledModel.write(latencyModel, config.latencySize(), SEED_LATENCY));

        Path linkRandomFile = files.resolve("link-random.bin");
        String linkRandomSha = Digests.hex(RandomBytes.writeFile(linkRandomFile, config.linkRandomSize(), SEED_RANDOM));
        Path linkModelFile = files.resolve("link-model.pkl");
        String linkModelSha = Digests.hex(PickledModel.write(linkModelFile, config.linkModelSize(), SEED_MODEL));

        Floor floor = Floor.measure(randomFile, modelFile, ZSTD_LEVEL);
        report.floor(floor);
        log(String.format(Locale.ROOT, "floor, CPU s/GiB on one thread: SHA-256 %.2f, zstd -%d encode %.2f, decode %.2f; "
                + "pickle scan %.3f", floor.sha256(), ZSTD_LEVEL, floor.zstdEncode(), floor.zstdDecode(), floor.pickleScan()));

        s3 = S3Side.start(work.resolve("s3"), config.s3Https());
        direct = s3.client();
        try {
            startService(s3.endpoint(), work.resolve("service.log"));
            try {
                report.idleMemory(service.heapUsed(), service.procStatus("VmRSS"), service.heapMax());
                warmUp(files, config.warmupRounds());
                throughput(Report.LOOPBACK, new Dataset("random", "incompressible (random bytes)", randomFile, randomSha, false));
                throughput(Report.LOOPBACK, new Dataset("model", "compressible (pickled float64 arrays)", modelFile, modelSha, true));
                largeUploadMemory();
                latencies(Report.LOOPBACK, latencyRandom, latencyRandomSha, latencyModel, latencyModelSha);
                smallRequests(files.resolve("small.bin"));
                for (int versions : config.versionCounts()) {
                    requestsPerLatest(versions);
                }
            } finally {
                stopService();
            }
            if (config.linkMibs() > 0) {
                try (ShapedLink link = new ShapedLink(s3.endpoint(), config.linkMibs() * MIB, config.linkLatency());
                     S3Client linked = s3.clientFor(link.endpoint())) {
                    log(String.format(Locale.ROOT, "shaped link: %.0f MiB/s per connection and direction, %d ms first-byte latency",
                            config.linkMibs(), config.linkLatency().toMillis()));
                    report.link(config.linkMibs(), config.linkLatency());
                    direct = linked;
                    startService(link.endpoint(), work.resolve("service-shaped.log"));
                    try {
                        // One round: S3Proxy and the clients are warm already, and the JIT's share is reported apart.
                        warmUp(files, 1);
                        throughput(Report.SHAPED, new Dataset("random", "incompressible (random bytes)", linkRandomFile, linkRandomSha, false));
                        throughput(Report.SHAPED, new Dataset("model", "compressible (pickled float64 arrays)", linkModelFile, linkModelSha, true));
                        latencies(Report.SHAPED, latencyRandom, latencyRandomSha, latencyModel, latencyModelSha);
                    } finally {
                        stopService();
                    }
                }
            }
        } finally {
            s3.close();
        }
        report.finish(Machine.loadAverage(), Duration.ofNanos(System.nanoTime() - startNanos));
        String markdown = report.markdown(config);
        Path output = config.output().toAbsolutePath();
        Files.createDirectories(output.getParent());
        Files.writeString(output, markdown);
        System.out.println();
        System.out.println(markdown);
        log("report written to " + output);
        if (!config.keepData()) {
            deleteRecursively(work.resolve("s3"));
            deleteRecursively(files);
        }
    }

    private void startService(URI s3Endpoint, Path serviceLog) throws Exception {
        log("S3 endpoint " + s3Endpoint + "; starting the service jar " + config.jar() + " (log: " + serviceLog + ")");
        List<String> jvmArgs = new ArrayList<>(s3.trustArguments());
        jvmArgs.addAll(config.serviceJvmArgs());
        service = ServiceProcess.start(config.jar(), config.serviceHeap(), jvmArgs, s3, s3Endpoint, serviceLog);
        client = new ServiceClient(service);
        cpu = new CpuMeter(service.pid());
    }

    private void stopService() throws Exception {
        client.close();
        service.close();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 1. Throughput

    private record Dataset(String name, String description, Path file, String sha256, boolean compressible) {
    }

    /** @param scenario {@link Report#LOOPBACK} or {@link Report#SHAPED}: also names the metrics and direct keys */
    private void throughput(String scenario, Dataset data) throws Exception {
        long size = Files.size(data.file());
        String metric = scenario + "_throughput_" + data.name();
        String directKey = "direct/" + scenario + "/" + data.name() + "/model.pkl";
        boolean watchMemory = scenario.equals(Report.LOOPBACK);
        Report.Throughput upload = report.throughput(scenario, data.description(), size, "upload");
        Report.Throughput download = report.throughput(scenario, data.description(), size, "download");
        Report.Throughput zstdDownload = data.compressible()
                ? report.throughput(scenario, data.description(), size, "download, client accepts zstd") : null;
        for (int round = 1; round <= config.rounds(); round++) {
            boolean serviceFirst = round % 2 == 1;
            log(scenario + " " + data.name() + " round " + round + "/" + config.rounds());
            for (boolean viaService : new boolean[] {serviceFirst, !serviceFirst}) {
                if (viaService) {
                    ServiceClient.Stored[] stored = new ServiceClient.Stored[1];
                    Timed timed = timed(watchMemory ? "upload, " + data.description() : null, size,
                            () -> stored[0] = client.uploadFile(metric, data.file(), data.sha256()));
                    upload.service(timed.mibs(size), timed.cpu());
                    upload.stored(stored[0].storedBytes(), stored[0].contentEncoding());
                    log(String.format(Locale.ROOT, "  service upload   %8.1f MiB/s (stored %s, %s) %s", timed.mibs(size),
                            BenchConfig.formatSize(stored[0].storedBytes()), stored[0].contentEncoding(), timed.cpu()));
                } else {
                    Timed timed = timed(null, size, () -> directPut(directKey, data.file(), data.sha256()));
                    upload.direct(timed.mibs(size), timed.cpu());
                    log(String.format(Locale.ROOT, "  direct upload    %8.1f MiB/s %s", timed.mibs(size), timed.cpu()));
                }
            }
            for (boolean viaService : new boolean[] {serviceFirst, !serviceFirst}) {
                if (viaService) {
                    for (String acceptEncoding : zstdDownload == null ? new String[] {null} : new String[] {null, "zstd"}) {
                        ServiceClient.Received[] received = new ServiceClient.Received[1];
                        Timed timed = timed(watchMemory ? "download, " + data.description()
                                        + (acceptEncoding == null ? "" : ", Accept-Encoding: " + acceptEncoding) : null, size,
                                () -> received[0] = client.downloadLatest(metric, acceptEncoding));
                        check(received[0].bytes() == size && received[0].sha256().equals(data.sha256()),
                                "service download of " + metric + " is corrupt");
                        (acceptEncoding == null ? download : zstdDownload).service(timed.mibs(size), timed.cpu());
                        log(String.format(Locale.ROOT, "  service download %8.1f MiB/s (%s on the wire%s) %s", timed.mibs(size),
                                BenchConfig.formatSize(received[0].wireBytes()),
                                acceptEncoding == null ? "" : ", Accept-Encoding: " + acceptEncoding, timed.cpu()));
                    }
                } else {
                    Digests.Drained[] drained = new Digests.Drained[1];
                    Timed timed = timed(null, size, () -> {
                        try (ResponseInputStream<GetObjectResponse> body = direct.getObject(b -> b.bucket(S3Side.BUCKET).key(directKey))) {
                            drained[0] = Digests.drain(body);
                        }
                        return null;
                    });
                    check(drained[0].bytes() == size && drained[0].sha256().equals(data.sha256()), "direct download of " + directKey + " is corrupt");
                    download.direct(timed.mibs(size), timed.cpu());
                    if (zstdDownload != null) {
                        zstdDownload.direct(timed.mibs(size), timed.cpu());
                    }
                    log(String.format(Locale.ROOT, "  direct download  %8.1f MiB/s %s", timed.mibs(size), timed.cpu()));
                }
            }
        }
    }

    /** How long a transfer took and the CPU its parties spent on it. */
    private record Timed(double seconds, CpuMeter.Sample cpu) {

        double mibs(long size) {
            return size / MIB / seconds;
        }
    }

    /**
     * Times a transfer and meters its CPU; with {@code memoryLabel} set it also watches the service's memory
     * (which it does for transfers through the service only).
     */
    private Timed timed(String memoryLabel, long size, Callable<?> transfer) throws Exception {
        MemoryMonitor memory = memoryLabel == null ? null : MemoryMonitor.watch(service);
        try {
            CpuMeter.Snapshot cpu0 = cpu.sample();
            long t0 = System.nanoTime();
            transfer.call();
            double seconds = seconds(t0);
            CpuMeter.Sample used = cpu.sample().minus(cpu0);
            if (memory != null) {
                report.memory(memoryLabel, size, memory.stop());
            }
            return new Timed(seconds, used);
        } finally {
            if (memory != null) {
                memory.close();
            }
        }
    }

    /**
     * Runs every transfer path a few times, untimed, so that the JITs of the service, of S3Proxy and of the clients have
     * compiled them before anything is measured.
     */
    private void warmUp(Path files, int rounds) throws Exception {
        long size = config.warmupSize();
        if (size <= 0) {
            return;
        }
        log("warm-up: every transfer " + rounds + " times with " + BenchConfig.formatSize(size) + " files, not measured");
        Path random = files.resolve("warmup.bin");
        String randomSha = Digests.hex(RandomBytes.writeFile(random, size, SEED_WARMUP));
        Path model = files.resolve("warmup.pkl");
        String modelSha = Digests.hex(PickledModel.write(model, size, SEED_WARMUP));
        for (int i = 0; i < rounds; i++) {
            for (Dataset data : List.of(new Dataset("random", "", random, randomSha, false), new Dataset("model", "", model, modelSha, true))) {
                String metric = "warmup_" + data.name();
                client.uploadFile(metric, data.file(), data.sha256());
                directPut("direct/" + metric + "/model.pkl", data.file(), data.sha256());
                check(client.downloadLatest(metric, null).sha256().equals(data.sha256()), "warm-up download is corrupt");
                check(client.downloadLatest(metric, "zstd").sha256().equals(data.sha256()), "warm-up download is corrupt");
                try (ResponseInputStream<GetObjectResponse> body = direct.getObject(b -> b.bucket(S3Side.BUCKET)
                        .key("direct/" + metric + "/model.pkl"))) {
                    check(Digests.drain(body).sha256().equals(data.sha256()), "warm-up direct download is corrupt");
                }
            }
        }
        Files.delete(random);
        Files.delete(model);
    }

    /** A trainer's PutObject: the whole file in one request, its SHA-256 announced for S3 to check. */
    private PutObjectResponse directPut(String key, Path file, String sha256Hex) {
        return direct.putObject(b -> b.bucket(S3Side.BUCKET).key(key).contentType("application/octet-stream")
                        .checksumSHA256(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256Hex))),
                RequestBody.fromFile(file));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 3. Memory during a large streamed upload

    private void largeUploadMemory() throws Exception {
        long size = config.memorySize();
        log("memory: " + BenchConfig.formatSize(size) + " chunked upload from a generator");
        RandomBytes[] body = new RandomBytes[1];
        MemoryMonitor memory = MemoryMonitor.watch(service);
        long t0 = System.nanoTime();
        ServiceClient.Stored stored = client.uploadStream("memory_large", () -> body[0] = new RandomBytes(size, SEED_MEMORY));
        double seconds = seconds(t0);
        MemoryMonitor.Peak peak = memory.stop();
        String sent = Digests.hex(body[0].sha256());
        check(stored.sizeBytes() == size && stored.sha256().equals(sent), "the large upload was stored corrupt");
        report.memory("upload, incompressible, chunked from a generator", size, peak);
        report.largeUpload(size, size / MIB / seconds);
        log(String.format(Locale.ROOT, "  %8.1f MiB/s, peak heap %s (sampled) / %s (before GC), peak RSS %s", size / MIB / seconds,
                BenchConfig.formatSize(peak.heapBytes()), BenchConfig.formatSize(peak.heapBeforeGcBytes()),
                BenchConfig.formatSize(peak.rssBytes())));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2. GET latest latency

    private void latencies(String scenario, Path random, String randomSha, Path model, String modelSha) throws Exception {
        String size = BenchConfig.formatSize(config.latencySize());
        latency(scenario, "random", size + " random (stored as is: the same S3 object)", random, randomSha, null);
        latency(scenario, "model", size + " pickled model (stored zstd, sent decoded; direct: the raw pickle)", model, modelSha, null);
        latency(scenario, "model_zstd", size + " pickled model, client accepts zstd and decodes it (direct: the raw pickle)",
                model, modelSha, "zstd");
    }

    /**
     * @param acceptEncoding what the scorer accepts: null for the original bytes, {@code zstd} to receive the stored
     *                       bytes and decode them itself
     */
    private void latency(String scenario, String name, String description, Path file, String sha256, String acceptEncoding)
            throws Exception {
        String metric = scenario + "_latency_" + name;
        ServiceClient.Stored stored = client.uploadFile(metric, file, sha256);
        String directKey;
        if ("identity".equals(stored.contentEncoding())) {
            directKey = stored.key();      // the very object the service serves
        } else {
            directKey = "direct/" + metric + "/model.pkl";
            directPut(directKey, file, sha256);
        }
        long size = Files.size(file);
        URI latest = client.latestUri(metric);
        ServiceClient.Received first = client.downloadLatest(metric, acceptEncoding);
        check(first.sha256().equals(sha256), "GET latest of " + metric + " is corrupt");
        try (ResponseInputStream<GetObjectResponse> body = direct.getObject(b -> b.bucket(S3Side.BUCKET).key(directKey))) {
            check(Digests.drain(body).sha256().equals(sha256), "direct GET of " + directKey + " is corrupt");
        }
        for (int clients : config.latencyConcurrency()) {
            Report.Latency row = report.latency(scenario, description, clients);
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                row.service(measure(pool, clients, () -> checkSize(client.fetchLatest(latest, acceptEncoding), size)));
                row.direct(measure(pool, clients, () -> {
                    try (ResponseInputStream<GetObjectResponse> body = direct.getObject(b -> b.bucket(S3Side.BUCKET).key(directKey))) {
                        return checkSize(Digests.discard(body), size);
                    }
                }));
            } finally {
                pool.shutdownNow();
            }
            log(String.format(Locale.ROOT, "%s latency %-10s %2d clients: service p50 %.2f ms p99 %.2f ms | direct p50 %.2f ms p99 %.2f ms",
                    scenario, name, clients, row.serviceStats().p50(), row.serviceStats().p99(), row.directStats().p50(), row.directStats().p99()));
        }
    }

    /**
     * Requests per second of the liveness probe, of GET latest of a small cached model and of its 304, at
     * {@link CpuTargets#CLIENTS} clients.
     */
    private void smallRequests(Path file) throws Exception {
        String sha256 = Digests.hex(RandomBytes.writeFile(file, SMALL_MODEL_BYTES, SEED_SMALL));
        client.uploadFile("small", file, sha256);
        URI latest = client.latestUri("small");
        URI liveness = service.uri("/actuator/health/liveness");
        String eTag = client.eTag(latest);
        ExecutorService pool = Executors.newFixedThreadPool(CpuTargets.CLIENTS);
        try {
            Callable<Long> live = () -> expect(client.fetchStatus(liveness, null), 200);
            Callable<Long> full = () -> expect(client.fetchStatus(latest, null), 200);
            Callable<Long> revalidated = () -> expect(client.fetchStatus(latest, eTag), 304);
            // All three share the filter chain: warm every path up before measuring any, or the first measured pays
            // for compiling the rest.
            for (Callable<Long> request : List.of(live, full, revalidated)) {
                runRequests(pool, CpuTargets.CLIENTS, SMALL_REQUESTS, Duration.ofSeconds(30), request, null);
            }
            CpuTargets.SmallRequests small = new CpuTargets.SmallRequests(SMALL_MODEL_BYTES,
                    measure(pool, CpuTargets.CLIENTS, SMALL_REQUESTS, live),
                    measure(pool, CpuTargets.CLIENTS, SMALL_REQUESTS, full),
                    measure(pool, CpuTargets.CLIENTS, SMALL_REQUESTS, revalidated));
            report.smallRequests(small);
            log(String.format(Locale.ROOT, "small requests, %d clients: liveness %.0f req/s, latest %.0f req/s, 304 %.0f req/s",
                    CpuTargets.CLIENTS, small.liveness().requestsPerSecond(), small.latest().requestsPerSecond(),
                    small.notModified().requestsPerSecond()));
        } finally {
            pool.shutdownNow();
        }
    }

    private static long expect(int status, int expected) {
        if (status != expected) {
            throw new IllegalStateException("answered " + status + ", expected " + expected);
        }
        return status;
    }

    private static long checkSize(long read, long expected) {
        if (read != expected) {
            throw new IllegalStateException("read " + read + " bytes, expected " + expected);
        }
        return read;
    }

    /** Warm-up, then {@code latencyRequests} GETs from {@code clients} threads, bounded in time; latencies in ms. */
    private Report.Stats measure(ExecutorService pool, int clients, Callable<Long> request) throws Exception {
        return measure(pool, clients, config.latencyRequests(), request);
    }

    private Report.Stats measure(ExecutorService pool, int clients, int requests, Callable<Long> request) throws Exception {
        // The warm-up also fills the service's cache, as a scorer's first request does.
        runRequests(pool, clients, Math.max(100, 4 * clients), Duration.ofSeconds(30), request, null);
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        CpuMeter.Snapshot cpu0 = cpu.sample();
        long t0 = System.nanoTime();
        runRequests(pool, clients, requests, config.latencyMaxPerLevel(), request, latencies);
        double seconds = seconds(t0);
        return Report.Stats.of(latencies, seconds, cpu.sample().minus(cpu0));
    }

    private static void runRequests(ExecutorService pool, int clients, int count, Duration maxTime, Callable<Long> request,
                                    List<Double> latencies) throws Exception {
        AtomicInteger remaining = new AtomicInteger(count);
        long deadline = System.nanoTime() + maxTime.toNanos();
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            workers.add(pool.submit(() -> {
                while (remaining.getAndDecrement() > 0 && System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    request.call();
                    if (latencies != null) {
                        latencies.add((System.nanoTime() - t0) / 1e6);
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 4. S3 requests per GET latest as versions pile up

    private void requestsPerLatest(int versions) throws Exception {
        String metric = "versions_" + versions;
        log("requests: seeding " + versions + " versions of bench/" + metric + " directly in the S3 layout");
        long t0 = System.nanoTime();
        Seeded seeded = seedVersions(metric, versions);
        double seedSeconds = seconds(t0);

        // Cold: the service has never seen this model.
        S3Side.RequestStats before = requestsSettled();
        long c0 = System.nanoTime();
        ServiceClient.Received cold = client.downloadLatest(metric, null);
        double coldMs = (System.nanoTime() - c0) / 1e6;
        S3Side.RequestStats coldRequests = requestsSettled().since(before);
        check(seeded.newest().equals(cold.version()) && seeded.sha256().equals(cold.sha256()),
                "GET latest of " + metric + " answered version " + cold.version() + ", not " + seeded.newest());

        // Warm: within the latest pointer's TTL.
        int warmCount = 50;
        before = requestsSettled();
        for (int i = 0; i < warmCount; i++) {
            client.downloadLatest(metric, null);
        }
        S3Side.RequestStats warmRequests = requestsSettled().since(before);

        // After the pointer's TTL: the pointer is read again, the (small, immutable) model is not.
        Thread.sleep(LATEST_TTL.toMillis() + 500);
        before = requestsSettled();
        client.downloadLatest(metric, null);
        S3Side.RequestStats expiredRequests = requestsSettled().since(before);

        // Direct: without the service's pointer a client lists the versions to find the newest, then gets it.
        before = requestsSettled();
        long d0 = System.nanoTime();
        String newest = directFindLatest(seeded.folder());
        try (ResponseInputStream<GetObjectResponse> body = s3.client().getObject(b -> b.bucket(S3Side.BUCKET)
                .key(seeded.folder() + "model_" + newest + ".pkl"))) {
            check(Digests.drain(body).sha256().equals(seeded.sha256()), "direct GET of the newest seeded version is corrupt");
        }
        double directMs = (System.nanoTime() - d0) / 1e6;
        S3Side.RequestStats directRequests = requestsSettled().since(before);
        check(seeded.newest().equals(newest), "listing found " + newest + ", not " + seeded.newest());

        // The seeded documents are what the service writes: it lists and reads them like its own.
        ServiceClient.Answer page = client.get("/api/v1/models/" + ServiceClient.BATCH + "/" + metric + "/versions?limit=5");
        check(page.status() == 200 && page.body().contains("\"" + seeded.newest() + "\""),
                "the service does not list the seeded versions: " + page.status() + " " + page.body());

        report.requests(versions, seedSeconds, coldRequests, coldMs, warmCount, warmRequests, expiredRequests, directRequests, directMs);
        log(String.format(Locale.ROOT, "  %d versions (seeded in %.1f s): cold %s | %d warm: %s | after TTL: %s | direct list+get: %s",
                versions, seedSeconds, coldRequests.describe(), warmCount, warmRequests.describe(), expiredRequests.describe(),
                directRequests.describe()));
    }

    /** S3Proxy counts a request when it authorises it, before answering: the counters are current once a call returns. */
    private S3Side.RequestStats requestsSettled() {
        return s3.requests();
    }

    private record Seeded(String folder, String newest, String sha256) {
    }

    /**
     * Writes {@code count} versions of a model the way the service stores them — {@code model_{v}.pkl}, then
     * {@code metadata_{v}.json}, and {@code _latest.json} naming the newest — with the SDK, from a descriptor the
     * service wrote for a real upload. Uploading 10,000 versions through the API would take minutes and, with
     * one version id per second per model, would need 10,000 distinct seconds or the _NN suffixes.
     */
    private Seeded seedVersions(String metric, int count) throws Exception {
        byte[] model = new RandomBytes(4096, count).readAllBytes();
        String sha256 = Digests.hex(Digests.sha256().digest(model));
        Path templateFile = config.workDir().toAbsolutePath().resolve("files/template.bin");
        Files.write(templateFile, model);
        ServiceClient.Stored template = client.uploadFile("template_" + count, templateFile, sha256);
        String templateFolder = template.key().substring(0, template.key().lastIndexOf('/') + 1);
        ObjectNode descriptor = (ObjectNode) JSON.readTree(s3.client().getObjectAsBytes(b -> b.bucket(S3Side.BUCKET)
                .key(templateFolder + "metadata_" + template.version() + ".json")).asByteArray());
        String prefix = template.key().substring(0, template.key().indexOf(ServiceClient.BATCH + "/template_"));
        String folder = prefix + ServiceClient.BATCH + "/" + metric + "/";

        Instant newestTime = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        ExecutorService pool = Executors.newFixedThreadPool(config.seedConcurrency());
        List<Future<?>> writes = new ArrayList<>();
        String newest = VERSION_FORMAT.format(newestTime);
        byte[] newestDescriptor = null;
        try {
            for (int i = 0; i < count; i++) {
                Instant created = newestTime.minusSeconds(count - 1 - i);
                String version = VERSION_FORMAT.format(created);
                String modelKey = folder + "model_" + version + ".pkl";
                ObjectNode document = descriptor.deepCopy();
                document.put("metric", metric);
                document.put("version", version);
                document.put("created_at", created.toString());
                document.put("size_bytes", model.length);
                document.put("stored_bytes", model.length);
                document.put("sha256", sha256);
                document.put("content_encoding", "identity");
                document.put("key", modelKey);
                document.putObject("metadata").put("seeded", true);
                byte[] json = JSON.writeValueAsBytes(document);
                if (version.equals(newest)) {
                    newestDescriptor = json;
                }
                writes.add(pool.submit(() -> {
                    s3.client().putObject(b -> b.bucket(S3Side.BUCKET).key(modelKey).contentType("application/octet-stream"),
                            RequestBody.fromBytes(model));
                    s3.client().putObject(b -> b.bucket(S3Side.BUCKET).key(folder + "metadata_" + version + ".json")
                            .contentType("application/json"), RequestBody.fromBytes(json));
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            pool.shutdownNow();
        }
        byte[] pointer = newestDescriptor;
        s3.client().putObject(b -> b.bucket(S3Side.BUCKET).key(folder + "_latest.json").contentType("application/json"),
                RequestBody.fromBytes(pointer));
        return new Seeded(folder, newest, sha256);
    }

    private String directFindLatest(String folder) {
        String newest = null;
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = s3.client().listObjectsV2(b -> b.bucket(S3Side.BUCKET)
                    .prefix(folder + "metadata_").continuationToken(continuation));
            for (S3Object object : page.contents()) {
                String name = object.key().substring(folder.length() + "metadata_".length(), object.key().length() - ".json".length());
                if (newest == null || name.compareTo(newest) > 0) {
                    newest = name;
                }
            }
            token = page.isTruncated() ? page.nextContinuationToken() : null;
        } while (token != null);
        return newest;
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private void log(String message) {
        System.out.printf(Locale.ROOT, "[bench %6.1fs] %s%n", seconds(startNanos), message);
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
