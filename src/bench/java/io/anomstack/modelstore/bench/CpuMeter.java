package io.anomstack.modelstore.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time (user + system) of the three parties of a transfer: the service's JVM, the S3 side (S3Proxy's threads, and
 * the {@link ShapedLink}'s relay threads when there is one) and the client's (every other thread of this JVM, JIT and
 * GC included). A process's total comes from {@code /proc/<pid>/stat}, which keeps the CPU of threads that have ended
 * (zstd's compression workers, a finished thread pool's threads); the S3 side and the JIT compiler threads are summed
 * per thread from {@code /proc/<pid>/task/<tid>/stat}, thread by thread between two snapshots, and the client is this
 * JVM's total less the S3 side. On a small shared machine the throughput of each path is largely its CPU cost, so the
 * report shows both.
 */
final class CpuMeter {

    /**
     * CPU seconds each party used between two snapshots; {@code serviceJit} and {@code clientJit} are the parts of
     * {@code service} and {@code client} that their JVMs' JIT compiler threads spent (the benchmark JVM's compiles
     * S3Proxy's code too).
     */
    record Sample(double service, double s3proxy, double client, double serviceJit, double clientJit) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "[CPU s: service %.2f (JIT %.2f), S3Proxy %.2f, client %.2f (JIT %.2f)]",
                    service, serviceJit, s3proxy, client, clientJit);
        }
    }

    /** The meter's readings at one moment: process totals, and the CPU of every S3-side or JIT thread by thread id. */
    static final class Snapshot {
        private final double service;
        private final double self;
        private final Map<String, Double> serviceJit;
        private final Map<String, Double> s3Side;
        private final Map<String, Double> selfJit;

        private Snapshot(double service, double self, Map<String, Double> serviceJit, Map<String, Double> s3Side,
                         Map<String, Double> selfJit) {
            this.service = service;
            this.self = self;
            this.serviceJit = serviceJit;
            this.s3Side = s3Side;
            this.selfJit = selfJit;
        }

        /** What each party used since {@code before}; a thread that ended in between is left to its process's rest. */
        Sample minus(Snapshot before) {
            double s3 = delta(s3Side, before.s3Side);
            return new Sample(service - before.service, s3, self - before.self - s3,
                    delta(serviceJit, before.serviceJit), delta(selfJit, before.selfJit));
        }

        private static double delta(Map<String, Double> after, Map<String, Double> before) {
            return after.entrySet().stream().mapToDouble(e -> e.getValue() - before.getOrDefault(e.getKey(), 0.0)).sum();
        }
    }

    /** HotSpot's compiler threads: {@code C1 CompilerThread0}, {@code C2 CompilerThread1}, … (names cut at 15 characters). */
    private static final String[] JIT_THREADS = {"C1 CompilerThre", "C2 CompilerThre"};
    private static final String[] S3_SIDE_THREADS = {"S3Proxy", ShapedLink.THREAD_PREFIX};
    private static final double TICKS_PER_SECOND = ticksPerSecond();

    private final long servicePid;
    private final long selfPid = ProcessHandle.current().pid();

    CpuMeter(long servicePid) {
        this.servicePid = servicePid;
    }

    Snapshot sample() {
        return new Snapshot(seconds(Path.of("/proc", Long.toString(servicePid), "stat")),
                seconds(Path.of("/proc", Long.toString(selfPid), "stat")),
                threads(servicePid, JIT_THREADS), threads(selfPid, S3_SIDE_THREADS), threads(selfPid, JIT_THREADS));
    }

    /** CPU seconds by thread id of a process's live threads whose name starts with one of {@code prefixes}. */
    private static Map<String, Double> threads(long pid, String... prefixes) {
        Map<String, Double> seconds = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (Arrays.stream(prefixes).anyMatch(name::startsWith)) {
                        seconds.put(task.getFileName().toString(), seconds(stat));
                    }
                } catch (IOException | RuntimeException e) {
                    // The thread ended meanwhile.
                }
            }
        } catch (IOException e) {
            return seconds;
        }
        return seconds;
    }

    private static double seconds(Path stat) {
        try {
            return seconds(Files.readString(stat));
        } catch (IOException e) {
            return 0;
        }
    }

    /** utime + stime of a {@code stat} line; for a whole process they include its ended threads. */
    private static double seconds(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    private static double ticksPerSecond() {
        try {
            Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes()).trim();
            process.waitFor();
            return Double.parseDouble(out);
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100;
        }
    }
}
