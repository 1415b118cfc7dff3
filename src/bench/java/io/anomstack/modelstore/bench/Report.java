package io.anomstack.modelstore.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Collects the measurements and renders them as markdown, with service/direct ratios and the targets. */
final class Report {

    /** Scenario: everything over loopback. */
    static final String LOOPBACK = "loopback";
    /** Scenario: the S3 clients (the service's and the direct one) reach S3Proxy through a {@link ShapedLink}. */
    static final String SHAPED = "shaped";

    // ----- measurements ---------------------------------------------------------------------------------------------

    /** One transfer measured via the service and directly over several rounds, in MiB/s. */
    static final class Throughput {
        final String scenario;
        final String data;
        final long size;
        final String transfer;
        final List<Double> service = new ArrayList<>();
        final List<Double> direct = new ArrayList<>();
        final List<CpuMeter.Sample> serviceCpu = new ArrayList<>();
        final List<CpuMeter.Sample> directCpu = new ArrayList<>();
        long storedBytes = -1;
        String encoding;

        Throughput(String scenario, String data, long size, String transfer) {
            this.scenario = scenario;
            this.data = data;
            this.size = size;
            this.transfer = transfer;
        }

        void service(double mibs, CpuMeter.Sample cpu) {
            service.add(mibs);
            serviceCpu.add(cpu);
        }

        void direct(double mibs, CpuMeter.Sample cpu) {
            direct.add(mibs);
            directCpu.add(cpu);
        }

        /** Median CPU seconds per GiB moved: service JVM, S3Proxy, client, and the JIT parts of service and client. */
        double[] cpuPerGib(List<CpuMeter.Sample> samples) {
            double gib = size / (double) (1L << 30);
            return new double[] {
                    median(samples.stream().map(c -> c.service() / gib).toList()),
                    median(samples.stream().map(c -> c.s3proxy() / gib).toList()),
                    median(samples.stream().map(c -> c.client() / gib).toList()),
                    median(samples.stream().map(c -> c.serviceJit() / gib).toList()),
                    median(samples.stream().map(c -> c.clientJit() / gib).toList())};
        }

        /**
         * CPU seconds per GiB of the service's JVM without its JIT compiler threads, the best of the rounds as the floor is
         * the best of its passes: its steady-state cost, which other work on the same cores can only add to.
         */
        double steadyServiceCpuPerGib() {
            double gib = size / (double) (1L << 30);
            return serviceCpu.stream().mapToDouble(c -> (c.service() - c.serviceJit()) / gib).min().orElseThrow();
        }

        void stored(long bytes, String contentEncoding) {
            storedBytes = bytes;
            encoding = contentEncoding;
        }

        double ratio() {
            return median(service) / median(direct);
        }
    }

    /** Latency statistics of one series of requests, in milliseconds. */
    record Stats(int count, double p50, double p99, double max, double requestsPerSecond, CpuMeter.Sample cpu) {

        static Stats of(List<Double> latencies, double seconds, CpuMeter.Sample cpu) {
            List<Double> sorted = new ArrayList<>(latencies);
            sorted.sort(null);
            return new Stats(sorted.size(), percentile(sorted, 0.50), percentile(sorted, 0.99),
                    sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1), sorted.size() / seconds, cpu);
        }

        /** CPU milliseconds per request, all parties. */
        double cpuMsPerRequest() {
            return (cpu.service() + cpu.s3proxy() + cpu.client()) * 1000 / count;
        }

        /** Nearest-rank percentile. */
        private static double percentile(List<Double> sorted, double p) {
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p * sorted.size());
            return sorted.get(Math.max(0, rank - 1));
        }
    }

    static final class Latency {
        final String scenario;
        final String model;
        final int clients;
        private Stats service;
        private Stats direct;

        Latency(String scenario, String model, int clients) {
            this.scenario = scenario;
            this.model = model;
            this.clients = clients;
        }

        void service(Stats stats) {
            service = stats;
        }

        void direct(Stats stats) {
            direct = stats;
        }

        Stats serviceStats() {
            return service;
        }

        Stats directStats() {
            return direct;
        }
    }

    private record MemoryRow(String transfer, long size, MemoryMonitor.Peak peak) {
    }

    private record Requests(int versions, double seedSeconds, S3Side.RequestStats cold, double coldMs, int warmCount,
                            S3Side.RequestStats warm, S3Side.RequestStats expired, S3Side.RequestStats direct,
                            double directMs) {
    }

    private Machine machine;
    private String loadAtEnd;
    private Duration elapsed;
    private long idleHeap;
    private long idleRss;
    private long heapMax;
    private final List<Throughput> throughput = new ArrayList<>();
    private final List<Latency> latency = new ArrayList<>();
    private final Map<String, MemoryRow> memory = new LinkedHashMap<>();
    private final List<Requests> requests = new ArrayList<>();
    private Floor floor;
    private CpuTargets.SmallRequests smallRequests;
    private long largeUploadSize;
    private double largeUploadMibs;
    private double linkMibs;
    private Duration linkLatency;

    void machine(Machine machine) {
        this.machine = machine;
    }

    String machineSummary() {
        return machine.cores() + " cores (" + machine.cpu() + "), " + machine.memory() + " RAM, " + machine.java()
                + ", commit " + machine.commit() + ", load " + machine.loadAtStart();
    }

    void idleMemory(long heap, long rss, long max) {
        idleHeap = heap;
        idleRss = rss;
        heapMax = max;
    }

    Throughput throughput(String scenario, String data, long size, String transfer) {
        Throughput row = new Throughput(scenario, data, size, transfer);
        throughput.add(row);
        return row;
    }

    Latency latency(String scenario, String model, int clients) {
        Latency row = new Latency(scenario, model, clients);
        latency.add(row);
        return row;
    }

    /** Keeps the highest peaks of each kind of transfer over the rounds. */
    void memory(String transfer, long size, MemoryMonitor.Peak peak) {
        memory.merge(transfer, new MemoryRow(transfer, size, peak), (a, b) -> new MemoryRow(transfer, size,
                new MemoryMonitor.Peak(Math.max(a.peak().heapBytes(), b.peak().heapBytes()),
                        Math.max(a.peak().heapBeforeGcBytes(), b.peak().heapBeforeGcBytes()),
                        Math.max(a.peak().rssBytes(), b.peak().rssBytes()),
                        a.peak().rssReset() && b.peak().rssReset(), a.peak().samples() + b.peak().samples())));
    }

    void floor(Floor floor) {
        this.floor = floor;
    }

    void smallRequests(CpuTargets.SmallRequests small) {
        smallRequests = small;
    }

    void link(double mibs, Duration firstByteLatency) {
        linkMibs = mibs;
        linkLatency = firstByteLatency;
    }

    void largeUpload(long size, double mibs) {
        largeUploadSize = size;
        largeUploadMibs = mibs;
    }

    void requests(int versions, double seedSeconds, S3Side.RequestStats cold, double coldMs, int warmCount,
                  S3Side.RequestStats warm, S3Side.RequestStats expired, S3Side.RequestStats direct, double directMs) {
        requests.add(new Requests(versions, seedSeconds, cold, coldMs, warmCount, warm, expired, direct, directMs));
    }

    void finish(String loadAtEnd, Duration elapsed) {
        this.loadAtEnd = loadAtEnd;
        this.elapsed = elapsed;
    }

    // ----- rendering ------------------------------------------------------------------------------------------------

    /** Where the service's CPU goes, from profiles of this benchmark: kept by hand beside the generator. */
    private static final String PROFILE = resource("cpu-profile.md");

    /** The closing section of the report: how the benchmark is run and what it measures. */
    private static final String HOW_IT_RUNS = """
            ## How it runs

            ```bash
            ./mvnw -B -Pbench verify        # 8-12 minutes on 2 cores; needs ~12 GB free disk under target/
            ```

            The `bench` profile packages the service, skips the test suite and runs `src/bench/java` (compiled only in this
            profile: a plain `./mvnw verify` neither builds nor runs it). It starts S3Proxy with its filesystem backend on a
            scratch directory under `target/bench`, starts the packaged jar as a separate JVM (`-Xmx256m`) pointed at it, and
            compares, in the same run, the service with direct AWS SDK v2 access (`PutObject` / `GetObject`) to the same S3Proxy:

            1. upload and download throughput for a 1 GiB random (incompressible) file and a 512 MiB compressible model (a
               deterministic pickle of float64 numpy arrays that zstd compresses about 2.3x), SHA-256 checked once per transfer,
               with the CPU time each party (service, S3Proxy, client) spent;
            2. `GET …/latest` latency, p50 and p99, for a 1 MiB model at 1, 8 and 32 concurrent clients, against `GetObject`;
            3. the service's peak heap (actuator `jvm.memory.used`, and the GC log) and peak RSS (`VmHWM`) during every transfer, including a
               2 GiB upload streamed with chunked encoding from a generator;
            4. the S3 requests one `GET …/latest` costs with 10 and with 10,000 versions (counted at S3Proxy), against listing;
            5. sections 1 and 2 again (256 MiB files) with a second service JVM, the service's S3 client and the direct client
               reaching S3Proxy through a shaped link in the benchmark's JVM: each connection capped at `bench.link-mibs` MiB/s per
               direction (default 90, about what one connection to Amazon S3 gets) with `bench.link-latency-ms` (default 10) before
               the first byte of every response. Loopback has no bandwidth limit, so there compression and parallel parts cannot
               pay; the shaped link shows where they do. `-Dbench.link-mibs=0` skips it.

            Before any of it, the floor of section 0 is timed in the benchmark's JVM on one thread over the same files
            (SHA-256, zstd encode and decode, the pickle scan), and after section 2 the small-request rates (liveness,
            GET latest of a cached 100 KB model, its 304) at 8 clients; section 0 sets the service's own CPU per GiB
            of section 1 against that floor.

            S3Proxy speaks plain HTTP unless `-Dbench.s3-https=true`: then it serves HTTPS only, with a self-signed certificate
            for 127.0.0.1 that the service and the direct client trust, and every figure includes TLS, as against Amazon S3.

            It prints a markdown report and writes it, with the machine, Java version, date and commit, to
            this file (`docs/benchmarks.md`). CPU time is reported per party (service, S3 side, client), with the JIT
            compiler threads' share apart. Sizes and counts are `-Dbench.*` properties (see the `bench` profile in
            `pom.xml`), e.g. `./mvnw -Pbench verify -Dbench.rounds=1 -Dbench.random-size=256MiB` for a quicker run, or
            `-Dbench.service-jvm-args=-XX:StartFlightRecording=filename=target/bench/service.jfr` to profile the service.
            """;

    String markdown(BenchConfig config) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Generated by `./mvnw -B -Pbench verify` (see [How it runs](#how-it-runs) below); do not edit by hand. ")
                .append("The service runs as its packaged jar in a JVM of its own (`-Xmx").append(config.serviceHeap())
                .append("`, default settings otherwise: 8 MiB parts, 4 in flight, zstd level 1, models up to 1 MiB ")
                .append("cached, latest pointer trusted for 5 s) and is measured against direct AWS SDK v2 access to ")
                .append("the same S3 server, in the same run.\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| date | ").append(machine.date()).append(" |\n");
        md.append("| commit | `").append(machine.commit()).append("` |\n");
        md.append("| machine | ").append(machine.cores()).append(" cores (").append(machine.cpu()).append("), ")
                .append(machine.memory()).append(" RAM, ").append(machine.os()).append(" |\n");
        md.append("| Java | ").append(machine.java()).append(" |\n");
        md.append("| load average (1/5/15 min) | ").append(machine.loadAtStart()).append(" at start, ").append(loadAtEnd)
                .append(" at end: other work shared the machine |\n");
        md.append("| S3 | S3Proxy ").append(config.s3proxyVersion()).append(", filesystem backend on ")
                .append(machine.filesystem()).append(", inside the benchmark's JVM; everything over loopback")
                .append(hasShaped() ? String.format(Locale.ROOT, ", and in a second scenario with the S3 clients (the service's "
                        + "and the direct one) behind a shaped link: %.0f MiB/s per connection and direction, %d ms first-byte "
                        + "latency per response", linkMibs, linkLatency.toMillis()) : "")
                .append(" |\n");
        md.append("| clients | direct: AWS SDK v2 `S3Client` on its Apache HTTP client, configured like the service's own ")
                .append("client. Service: Apache HttpClient 4.5 too (the same HTTP stack), HTTP/1.1, 64 KiB writes |\n");
        md.append("| run time | ").append(elapsed.toSeconds()).append(" s |\n\n");

        md.append("## Targets\n\n");
        md.append("| target | measured | met |\n|---|---|---|\n");
        List<CpuTargets.Cost> costs = CpuTargets.costs(
                throughput.stream().filter(t -> t.scenario.equals(LOOPBACK)).toList(), floor);
        CpuTargets.targetRows(md, costs, floor.pickleScan(), smallRequests);
        if (hasShaped()) {
            transferTargets(md, SHAPED, "shaped link (models Amazon S3)");
        }
        memoryAndRequestTargets(md);
        md.append("\n");
        CpuTargets.section(md, costs, floor, smallRequests, config);

        md.append("## 1. Throughput over loopback\n\n");
        md.append("MiB/s of model bytes (original size / wall time), median of ").append(config.rounds())
                .append(" rounds (min–max); ratio = service / direct, above 1 means the service is faster. ")
                .append("Uploads: the service gets a raw POST streamed from the file with `Content-Length` and ")
                .append("`X-Model-Sha256` (it checks the digest, stores the model, commits the version); direct is one ")
                .append("`PutObject` of the file with `x-amz-checksum-sha256` (S3 checks it). Downloads: `GET …/latest` and ")
                .append("`GetObject` read into a discarding sink that hashes them; the SHA-256 is checked once per transfer. ")
                .append("Service and direct alternate which goes first from round to round.\n\n");
        throughputTables(md, LOOPBACK);
        if (hasShaped()) {
            md.append("## 1b. Throughput over a shaped S3 link\n\n");
            md.append(String.format(Locale.ROOT, "The same transfers with smaller files, with the S3 clients behind a TCP relay "
                    + "that gives every connection to S3Proxy what one connection to Amazon S3 gets: at most %.0f MiB/s in each "
                    + "direction and %d ms before the first byte of every response (a new service JVM, warmed up with one round). ",
                    linkMibs, linkLatency.toMillis()))
                    .append("Amazon S3 serves a single connection at roughly 80–100 MB/s whatever the client's own bandwidth, ")
                    .append("which is why its performance guidelines recommend parallel connections (multipart uploads, ranged ")
                    .append("GETs). The service and its clients stay on loopback, as a service deployed next to its trainers and ")
                    .append("scorers in the bucket's region would be. The direct client sends one `PutObject` / `GetObject` per ")
                    .append("transfer, so it gets one connection's bandwidth; the service uploads ")
                    .append("4 parts in parallel, downloads models of 16 MiB and more in 8 MiB ranges with up to 3 in flight, ")
                    .append("and sends compressed bytes over the link. A direct client that parallelises itself (the AWS CLI, ")
                    .append("boto3's transfer manager) would gain the same from parallel connections, though not from ")
                    .append("compression. The relay's CPU is ")
                    .append("counted with S3Proxy's.\n\n");
            throughputTables(md, SHAPED);
        }

        md.append("## 2. GET latest latency\n\n");
        md.append("Milliseconds from sending the request to the last byte of the model, ").append(config.latencyRequests())
                .append(" requests per level after a warm-up (at most ").append(config.latencyMaxPerLevel().toSeconds())
                .append(" s per level), each client a thread issuing requests back to back. Service: `GET /api/v1/models/{batch}/{metric}/latest`; ")
                .append("direct: `GetObject` of the model. Ratio = service / direct, below 1 means the service is faster.")
                .append(hasShaped() ? " \"Shaped\": the S3 clients behind the shaped link of section 1b, which adds its first-byte "
                        + "latency to every S3 response; the service answers a cached model without asking S3." : "")
                .append("\n\n");
        md.append("| S3 link | model | clients | service p50 / p99 ms | direct p50 / p99 ms | p50 ratio | p99 ratio | req/s service / direct | CPU ms per request service / direct |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Latency row : latency) {
            md.append("| ").append(row.scenario).append(" | ").append(row.model).append(" | ").append(row.clients).append(" | ")
                    .append(ms(row.service.p50())).append(" / ").append(ms(row.service.p99())).append(" | ")
                    .append(ms(row.direct.p50())).append(" / ").append(ms(row.direct.p99())).append(" | ")
                    .append(ratio(row.service.p50() / row.direct.p50())).append(" | ")
                    .append(ratio(row.service.p99() / row.direct.p99())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f / %.0f", row.service.requestsPerSecond(), row.direct.requestsPerSecond()))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f / %.2f", row.service.cpuMsPerRequest(), row.direct.cpuMsPerRequest()))
                    .append(" |\n");
        }
        int shortLevels = (int) latency.stream().filter(l -> l.service.count() < config.latencyRequests()
                || l.direct.count() < config.latencyRequests()).count();
        if (shortLevels > 0) {
            md.append("\n").append(shortLevels).append(" level(s) hit the time bound before ").append(config.latencyRequests())
                    .append(" requests.\n");
        }
        md.append("\n");

        md.append("## 3. Service memory\n\n");
        md.append("Peak heap in use: sampled from `/actuator/metrics/jvm.memory.used?tag=area:heap` every ")
                .append(MemoryMonitor.PERIOD_MS).append(" ms, and the most heap in use before a collection from the ")
                .append("service's GC log (`-Xlog:gc`), which catches the tops of the saw-tooth between samples ")
                .append("(heap max ").append(BenchConfig.formatSize(heapMax))
                .append("); peak RSS (`VmHWM` of `/proc/<pid>/status`, ")
                .append(memory.values().stream().allMatch(r -> r.peak().rssReset())
                        ? "reset before each transfer through `/proc/<pid>/clear_refs`, so each row is its own peak"
                        : "NOT resettable here: a high-water mark since the service started")
                .append(") during each transfer through the service, the highest over the rounds. The polling runs during ")
                .append("the service's transfers only; each poll costs the service a few milliseconds of CPU, about 2% of a ")
                .append("core at this rate. Idle after start-up: ")
                .append(BenchConfig.formatSize(idleHeap)).append(" heap, ").append(BenchConfig.formatSize(idleRss)).append(" RSS.\n\n");
        md.append("| transfer | size | peak heap (actuator samples) | peak heap (before GC) | peak RSS |\n")
                .append("|---|---:|---:|---:|---:|\n");
        for (MemoryRow row : memory.values()) {
            md.append("| ").append(row.transfer()).append(" | ").append(BenchConfig.formatSize(row.size())).append(" | ")
                    .append(BenchConfig.formatSize(row.peak().heapBytes())).append(" | ")
                    .append(row.peak().heapBeforeGcBytes() < 0 ? "no GC" : BenchConfig.formatSize(row.peak().heapBeforeGcBytes())).append(" | ")
                    .append(BenchConfig.formatSize(row.peak().rssBytes())).append(" |\n");
        }
        md.append("\nThe heap peaks are G1 letting garbage accumulate up to its own thresholds within the ")
                .append(BenchConfig.formatSize(heapMax)).append(" heap, whatever the model's size; RSS follows the heap ")
                .append("pages the JVM has touched so far plus metaspace, code cache, thread stacks and native buffers. ");
        md.append("The ").append(BenchConfig.formatSize(largeUploadSize))
                .append(" upload is streamed with chunked transfer encoding from a generator (never whole in the client) and ran at ")
                .append(String.format(Locale.ROOT, "%.0f MiB/s", largeUploadMibs)).append(".\n\n");

        md.append("## 4. S3 requests per GET latest\n\n");
        md.append("Counted at S3Proxy: every authenticated S3 request asks its blob store locator, once, for the store ")
                .append("of the bucket and key it names; the benchmark's locator counts those calls by what they name ")
                .append("(a bucket alone is a listing here; objects by kind). The versions are seeded directly in the S3 ")
                .append("layout the service uses (`model_{v}.pkl`, `metadata_{v}.json`, `_latest.json`) with the SDK, each ")
                .append("descriptor a copy of one the service wrote for a real upload with version, key and timestamps ")
                .append("changed; the service never saw them before the first GET. Model: 4 KiB. \"Direct\" is what a ")
                .append("client without the service's pointer does to find the newest version: list `metadata_*` ")
                .append("(1,000 keys a page), then `GetObject` the newest model.\n\n");
        md.append("| versions | service: first GET (cold) | service: next ")
                .append(requests.isEmpty() ? 0 : requests.get(0).warmCount())
                .append(" GETs | service: GET after the 5 s pointer TTL | direct: list + get |\n|---:|---|---|---|---|\n");
        for (Requests row : requests) {
            md.append("| ").append(String.format(Locale.ROOT, "%,d", row.versions())).append(" | ")
                    .append(row.cold().total()).append(" (").append(row.cold().describe()).append("), ")
                    .append(ms(row.coldMs())).append(" ms | ")
                    .append(row.warm().total()).append(" (").append(row.warm().describe()).append(") | ")
                    .append(row.expired().total()).append(" (").append(row.expired().describe()).append(") | ")
                    .append(row.direct().total()).append(" (").append(row.direct().describe()).append("), ")
                    .append(ms(row.directMs())).append(" ms |\n");
        }
        md.append("\n");

        md.append("## Reading these numbers\n\n");
        md.append("- Client, service and S3 server share one machine and talk over loopback: there is no bandwidth limit, ")
                .append("so the bytes that compression saves cost nothing here, while compressing and decompressing cost CPU ")
                .append("on the same cores. Compression can only pay off end to end where a link is slower than the compressor")
                .append(hasShaped() ? ", as on the shaped link of section 1b.\n" : ".\n");
        md.append("- zstd level 1 on this model (float64 arrays, mostly literals) costs about 4–5 CPU seconds per GiB to ")
                .append("compress and 1.5–2 to decode on this machine, as `zstd -b1` reports too: far more than on text-like ")
                .append("data. Over loopback, a path through the service also moves every byte once more (client → service → ")
                .append("S3), so it cannot reach direct access's CPU cost per GiB there.\n");
        if (hasShaped()) {
            md.append("- The shaped link runs in the benchmark's JVM and costs CPU on the same cores (its relay threads are ")
                    .append("counted with S3Proxy's): a path that moves more bytes through it pays for that too.\n");
        }
        md.append("- S3Proxy stands in for S3 and its CPU is counted: it is spent on the same cores as the service's. Its ")
                .append("costs are not S3's (it assembles a multipart upload by copying the parts into one file, for one).\n");
        if (config.s3Https()) {
            md.append("- S3Proxy serves HTTPS only here (`-Dbench.s3-https=true`, a self-signed certificate both clients ")
                    .append("trust), as Amazon S3 is reached: TLS encryption and decryption are in every figure, on both paths.\n");
        } else {
            md.append("- The S3 endpoint is plain HTTP on loopback, where the service and the direct client sign requests as ")
                    .append("the AWS SDK does over HTTPS: headers signed, bodies unsigned with their CRC32 checksum; against ")
                    .append("Amazon S3 TLS encryption comes on top, on both paths (`-Dbench.s3-https=true` measures it).\n");
        }
        md.append("- A single run on a shared machine: compare the ratios, which were measured side by side, more than the ")
                .append("absolute figures, and expect the p99 of the 32-client level to move from run to run.\n");
        md.append("\n").append(PROFILE).append("\n").append(HOW_IT_RUNS);
        return md.toString();
    }

    private boolean hasShaped() {
        return throughput.stream().anyMatch(t -> t.scenario.equals(SHAPED));
    }

    private void throughputTables(StringBuilder md, String scenario) {
        List<Throughput> rows = throughput.stream().filter(t -> t.scenario.equals(scenario)).toList();
        md.append("| model | transfer | service MiB/s | direct MiB/s | service/direct |\n|---|---|---:|---:|---:|\n");
        for (Throughput row : rows) {
            md.append("| ").append(row.data).append(", ").append(BenchConfig.formatSize(row.size)).append(" | ")
                    .append(row.transfer).append(" | ").append(mibs(row.service)).append(" | ").append(mibs(row.direct))
                    .append(" | ").append(ratio(row.ratio())).append(" |\n");
        }
        md.append("\nCPU seconds per GiB of model moved (median over the rounds), by party: the service's JVM, S3Proxy's ")
                .append("threads, and the client (every other thread of the benchmark's JVM, its JIT and GC included). ")
                .append("On this machine the parties share ").append(machine.cores())
                .append(" cores, so a path's throughput is bounded by its total CPU cost. In parentheses: what the JVM's JIT ")
                .append("compiler threads spent of it, still compiling the service's per-request code (the AWS SDK's request ")
                .append("pipeline runs once per 8 MiB part) long after the warm-up; a service that has ")
                .append("been up for hours has compiled it, so service minus JIT is its steady-state cost. The benchmark JVM's ")
                .append("JIT compiles S3Proxy's code as well as the client's.\n\n");
        md.append("| model | transfer | via service: service (JIT) + S3Proxy + client (JIT) = total | direct: S3Proxy + client (JIT) = total |\n")
                .append("|---|---|---:|---:|\n");
        for (Throughput row : rows) {
            double[] viaService = row.cpuPerGib(row.serviceCpu);
            double[] direct = row.cpuPerGib(row.directCpu);
            md.append("| ").append(row.data).append(" | ").append(row.transfer).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f (%.1f) + %.1f + %.1f (%.1f) = **%.1f**", viaService[0], viaService[3],
                            viaService[1], viaService[2], viaService[4], viaService[0] + viaService[1] + viaService[2])).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f + %.1f (%.1f) = **%.1f**", direct[1], direct[2], direct[4],
                            direct[1] + direct[2]))
                    .append(" |\n");
        }
        md.append("\n");
        for (Throughput row : rows) {
            if (row.storedBytes >= 0) {
                md.append("- ").append(row.data).append(": stored by the service as ").append(row.encoding).append(", ")
                        .append(BenchConfig.formatSize(row.storedBytes))
                        .append(String.format(Locale.ROOT, " (%.2fx smaller)", row.size / (double) row.storedBytes))
                        .append("; direct stores the file as is.\n");
            }
        }
        md.append("- The compressible model is a deterministic protocol-5 pickle of a dict of float64 numpy arrays ")
                .append("(training windows that went through float32, standardised features on a 1/4096 grid, ")
                .append("full-precision scores, integer-valued tree structure); `pickle.load` reads it with numpy 2.\n");
        md.append("- \"client accepts zstd\": the request carries `Accept-Encoding: zstd`, the service sends the stored ")
                .append("bytes and the client decodes them (zstd-jni) before hashing; compared with the same direct downloads.\n\n");

    }

    private void transferTargets(StringBuilder md, String scenario, String label) {
        List<Throughput> throughput = this.throughput.stream().filter(t -> t.scenario.equals(scenario)).toList();
        List<Latency> latency = this.latency.stream().filter(l -> l.scenario.equals(scenario)).toList();
        // Throughput ≥ 0.9× direct, every transfer.
        Throughput worst = throughput.stream().min((a, b) -> Double.compare(a.ratio(), b.ratio())).orElse(null);
        if (worst != null) {
            boolean met = worst.ratio() >= 0.9;
            md.append("| service upload/download throughput ≥ 0.9× direct, ").append(label).append(" | ")
                    .append(throughput.stream().map(t -> shortName(t) + " " + ratio(t.ratio())).collect(Collectors.joining(", ")))
                    .append(" | ").append(met ? "yes" : "**no** (worst: " + shortName(worst) + ")").append(" |\n");
        }
        // Compressible models faster end to end.
        List<Throughput> compressible = throughput.stream().filter(t -> t.storedBytes >= 0 && t.storedBytes < t.size
                || t.transfer.contains("zstd")).toList();
        List<Throughput> model = throughput.stream().filter(t -> compressible.stream().anyMatch(c -> c.data.equals(t.data))).toList();
        if (!model.isEmpty()) {
            boolean uploadFaster = model.stream().filter(t -> t.transfer.equals("upload")).allMatch(t -> t.ratio() > 1);
            boolean downloadFaster = model.stream().filter(t -> t.transfer.startsWith("download")).anyMatch(t -> t.ratio() > 1);
            md.append("| compressible model faster end to end than direct (ratio > 1), ").append(label).append(" | ")
                    .append(model.stream().map(t -> t.transfer + " " + ratio(t.ratio())).collect(Collectors.joining(", ")))
                    .append(" | ").append(uploadFaster && downloadFaster ? "yes"
                            : "**no** (" + (uploadFaster ? "" : "upload slower") + (!uploadFaster && !downloadFaster ? ", " : "")
                            + (downloadFaster ? "" : "download slower") + ")").append(" |\n");
        }
        // GET latest faster than direct.
        if (!latency.isEmpty()) {
            boolean met = latency.stream().allMatch(l -> l.service.p50() < l.direct.p50() && l.service.p99() < l.direct.p99());
            Map<String, List<Latency>> byModel = new LinkedHashMap<>();
            latency.forEach(l -> byModel.computeIfAbsent(l.model, k -> new ArrayList<>()).add(l));
            md.append("| GET latest faster than direct S3 (p50 and p99 ratio < 1 at every level), ").append(label).append(" | ")
                    .append(byModel.entrySet().stream().map(e -> e.getKey() + ": p50 " + range(e.getValue(), true)
                            + ", p99 " + range(e.getValue(), false)).collect(Collectors.joining("; ")))
                    .append(" | ").append(met ? "yes" : "**no**").append(" |\n");
        }
    }

    private void memoryAndRequestTargets(StringBuilder md) {
        // Memory flat in model size: uploads of growing size.
        List<MemoryRow> uploads = memory.values().stream().filter(r -> r.transfer().startsWith("upload"))
                .sorted((a, b) -> Long.compare(a.size(), b.size())).toList();
        if (uploads.size() >= 2) {
            MemoryRow smallest = uploads.get(0);
            MemoryRow largest = uploads.get(uploads.size() - 1);
            double rssGrowth = largest.peak().rssBytes() / (double) smallest.peak().rssBytes();
            long maxHeap = uploads.stream().mapToLong(r -> r.peak().peakHeapBytes()).max().orElse(0);
            boolean met = rssGrowth <= 1.25 && maxHeap <= heapMax;
            md.append("| memory flat in model size (peak RSS of the largest upload ≤ 1.25× the smallest's) | peak RSS / peak heap by upload: ")
                    .append(uploads.stream().map(r -> BenchConfig.formatSize(r.size()) + " "
                            + r.transfer().substring("upload, ".length()).split("[ ,]")[0]
                            + " → " + BenchConfig.formatSize(r.peak().rssBytes()) + " / " + BenchConfig.formatSize(r.peak().peakHeapBytes()))
                            .collect(Collectors.joining("; ")))
                    .append(" | ").append(met ? "yes" : "**no**").append(" |\n");
        }
        // Requests constant.
        if (requests.size() >= 2) {
            boolean constant = requests.stream().map(r -> r.cold().counts()).distinct().count() == 1
                    && requests.stream().map(r -> r.expired().counts()).distinct().count() == 1;
            md.append("| S3 requests per GET latest independent of the number of versions | cold: ")
                    .append(requests.stream().map(r -> String.format(Locale.ROOT, "%,d", r.versions()) + " versions → " + r.cold().total())
                            .collect(Collectors.joining(", ")))
                    .append(" (direct listing: ")
                    .append(requests.stream().map(r -> String.valueOf(r.direct().total())).collect(Collectors.joining(" → ")))
                    .append(") | ").append(constant ? "yes" : "**no**").append(" |\n");
        }
    }

    private static String range(List<Latency> levels, boolean p50) {
        double[] ratios = levels.stream().mapToDouble(l -> p50 ? l.service.p50() / l.direct.p50() : l.service.p99() / l.direct.p99())
                .sorted().toArray();
        return ratios.length == 1 ? ratio(ratios[0]) : ratio(ratios[0]) + "–" + ratio(ratios[ratios.length - 1]);
    }

    private static String shortName(Throughput t) {
        return t.transfer + " (" + t.data.split(" ")[0] + ")";
    }

    /** A text kept beside the generator, read from the project directory the benchmark runs in. */
    private static String resource(String name) {
        try {
            return Files.readString(Path.of("src/bench/resources", name));
        } catch (IOException e) {
            throw new UncheckedIOException("the benchmark's text " + name + " is missing", e);
        }
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String mibs(List<Double> values) {
        if (values.size() == 1) {
            return String.format(Locale.ROOT, "%.0f", values.get(0));
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT, "%.0f (%.0f–%.0f)", median(values), sorted[0], sorted[sorted.length - 1]);
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f×", value);
    }

    private static String ms(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
