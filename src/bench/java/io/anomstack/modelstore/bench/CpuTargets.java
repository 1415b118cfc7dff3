package io.anomstack.modelstore.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the service's own process spends per GiB it moves, against the floor measured in the same run ({@link Floor}),
 * and its small-request rates against the liveness probe's: the targets a machine of any size can decide, since they
 * compare work with work rather than the service with a client that shares its cores.
 */
final class CpuTargets {

    /** One transfer's steady-state service CPU against the work it cannot skip. */
    record Cost(String transfer, double servicePerGib, String floorName, double floorPerGib, double target) {

        double ratio() {
            return servicePerGib / floorPerGib;
        }

        boolean met() {
            return ratio() <= target;
        }
    }

    /** Requests per second at {@link #CLIENTS} clients: liveness, GET latest of a cached small model, and its 304. */
    record SmallRequests(long modelBytes, Report.Stats liveness, Report.Stats latest, Report.Stats notModified) {
    }

    static final int CLIENTS = 8;
    static final double LATEST_TARGET = 0.9;
    static final double NOT_MODIFIED_TARGET = 3.0;
    static final double SCAN_SHARE_TARGET = 0.10;
    /** The transfer of the benchmark's pickle, which the service scans as it uploads it. */
    static final String PICKLE_UPLOAD = "upload, compressible";

    private CpuTargets() {
    }

    static List<Cost> costs(List<Report.Throughput> loopback, Floor floor) {
        List<Cost> costs = new ArrayList<>();
        for (Report.Throughput row : loopback) {
            boolean compressible = row.data.startsWith("compressible");
            double service = row.steadyServiceCpuPerGib();
            String name = row.transfer + ", " + (compressible ? "compressible" : "incompressible");
            if (row.transfer.equals("upload")) {
                costs.add(compressible
                        ? new Cost(name, service, "SHA-256 + zstd encode", floor.sha256() + floor.zstdEncode(), 1.3)
                        : new Cost(name, service, "SHA-256", floor.sha256(), 3.0));
            } else if (row.transfer.equals("download")) {
                costs.add(compressible
                        ? new Cost(name + ", decoded by the service", service, "SHA-256 + zstd decode",
                                floor.sha256() + floor.zstdDecode(), 1.25)
                        : new Cost(name, service, "SHA-256", floor.sha256(), 1.5));
            } else {
                costs.add(new Cost("download, stored zstd bytes passed through (`Accept-Encoding: zstd`)", service,
                        "SHA-256", floor.sha256(), 1.0));
            }
        }
        return costs;
    }

    static void targetRows(StringBuilder md, List<Cost> costs, double floorScan, SmallRequests small) {
        for (Cost cost : costs) {
            md.append(String.format(Locale.ROOT, "| service CPU per GiB ≤ %.2f× the floor: %s | %.2f s vs %.2f s (%s) = %.2f× | %s |%n",
                    cost.target(), cost.transfer(), cost.servicePerGib(), cost.floorPerGib(), cost.floorName(), cost.ratio(),
                    cost.met() ? "yes" : "**no**"));
        }
        costs.stream().filter(cost -> cost.transfer().equals(PICKLE_UPLOAD)).findFirst().ifPresent(upload -> {
            double share = floorScan / upload.servicePerGib();
            md.append(String.format(Locale.ROOT, "| the pickle scan ≤ %.0f%% of the service's CPU on a pickle upload | "
                            + "%.2f s/GiB of %.2f s/GiB = %.1f%% | %s |%n", SCAN_SHARE_TARGET * 100, floorScan,
                    upload.servicePerGib(), share * 100, share <= SCAN_SHARE_TARGET ? "yes" : "**no**"));
        });
        if (small != null) {
            double liveness = small.liveness().requestsPerSecond();
            double latest = small.latest().requestsPerSecond();
            double notModified = small.notModified().requestsPerSecond();
            md.append(String.format(Locale.ROOT, "| GET latest of a cached %s model ≥ %.1f× the req/s of liveness, %d clients | "
                            + "%.0f vs %.0f req/s = %.2f× | %s |%n", kilobytes(small.modelBytes()), LATEST_TARGET,
                    CLIENTS, latest, liveness, latest / liveness, latest >= LATEST_TARGET * liveness ? "yes" : "**no**"));
            md.append(String.format(Locale.ROOT, "| 304 revalidation of latest ≥ %.0f× the req/s of liveness, %d clients | "
                            + "%.0f vs %.0f req/s = %.2f× | %s |%n", NOT_MODIFIED_TARGET, CLIENTS, notModified, liveness,
                    notModified / liveness, notModified >= NOT_MODIFIED_TARGET * liveness ? "yes" : "**no**"));
        }
    }

    static void section(StringBuilder md, List<Cost> costs, Floor floor, SmallRequests small, BenchConfig config) {
        md.append("## 0. Cost per byte\n\n");
        md.append("CPU seconds the service's JVM spent per GiB of model moved in the loopback transfers of section 1, JIT ")
                .append("compiler threads excluded (steady state), the best of the rounds (other work on the same cores ")
                .append("only adds CPU; the floor below is the best of its passes too). Measured after every transfer ran ")
                .append(config.warmupRounds()).append(" times with ").append(BenchConfig.formatSize(config.warmupSize()))
                .append(" files, untimed: the S3 request path, run once per 8 MiB part or range, is then compiled as in a ")
                .append("service that has been running. Against the floor, the work no ")
                .append("design can skip, timed in the benchmark's JVM on one thread over the same files: ")
                .append(String.format(Locale.ROOT, "SHA-256 %.2f s/GiB, zstd level 1 encode %.2f s/GiB and decode %.2f s/GiB ",
                        floor.sha256(), floor.zstdEncode(), floor.zstdDecode()))
                .append("(of original bytes, on the compressible model); the service's pickle scan of that model, a pickle, ")
                .append(String.format(Locale.ROOT, "%.3f s/GiB. ", floor.pickleScan()))
                .append("Both sides run on the same loaded cores in the ")
                .append("same run, so their ratio holds where absolute figures move.\n\n");
        md.append("| transfer | service CPU s/GiB | floor | floor s/GiB | ratio | target |\n|---|---:|---|---:|---:|---:|\n");
        for (Cost cost : costs) {
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %s | %.2f | %.2f× | ≤ %.2f× %s |%n", cost.transfer(),
                    cost.servicePerGib(), cost.floorName(), cost.floorPerGib(), cost.ratio(), cost.target(),
                    cost.met() ? "met" : "**not met**"));
        }
        if (small != null) {
            md.append("\nSmall requests, ").append(CLIENTS).append(" clients each sending back to back over kept-alive ")
                    .append("connections: `GET /actuator/health/liveness`; `GET …/latest` of a ")
                    .append(kilobytes(small.modelBytes()))
                    .append(" model the service holds in its cache, body read; the same with `If-None-Match` (304). Measured after ")
                    .append("as many requests of each kind to warm up, so that the JIT has compiled their paths.\n\n");
            md.append("| request | req/s | p50 / p99 ms | service CPU ms per request |\n|---|---:|---:|---:|\n");
            smallRow(md, "liveness", small.liveness());
            smallRow(md, "GET latest, cached", small.latest());
            smallRow(md, "GET latest, 304", small.notModified());
        }
        md.append("\nWhere the CPU goes, and what changed it: [Where the CPU goes](#where-the-cpu-goes) below.\n\n");
    }

    private static String kilobytes(long bytes) {
        return bytes / 1000 + " KB";
    }

    private static void smallRow(StringBuilder md, String name, Report.Stats stats) {
        md.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f / %.2f | %.3f |%n", name, stats.requestsPerSecond(),
                stats.p50(), stats.p99(), stats.cpu().service() * 1000 / stats.count()));
    }
}
