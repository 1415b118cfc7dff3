package io.anomstack.modelstore.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's parameters, from {@code -Dbench.*} system properties (the Maven profile passes them on; every one
 * has a default, so that {@code ./mvnw -Pbench verify} alone runs the whole benchmark).
 */
record BenchConfig(
        long randomSize,
        long modelSize,
        long memorySize,
        long latencySize,
        long warmupSize,
        int warmupRounds,
        int latencyRequests,
        int[] latencyConcurrency,
        Duration latencyMaxPerLevel,
        int[] versionCounts,
        int rounds,
        int seedConcurrency,
        String serviceHeap,
        List<String> serviceJvmArgs,
        Path jar,
        Path output,
        Path workDir,
        String s3proxyVersion,
        boolean keepData,
        double linkMibs,
        Duration linkLatency,
        long linkRandomSize,
        long linkModelSize,
        boolean s3Https) {

    static BenchConfig fromSystemProperties() {
        return new BenchConfig(
                size("bench.random-size", "1GiB"),
                size("bench.model-size", "512MiB"),
                size("bench.memory-size", "2GiB"),
                size("bench.latency-size", "1MiB"),
                size("bench.warmup-size", "512MiB"),
                Integer.parseInt(property("bench.warmup-rounds", "4")),
                Integer.parseInt(property("bench.latency-requests", "300")),
                ints(property("bench.latency-concurrency", "1,8,32")),
                Duration.ofSeconds(Long.parseLong(property("bench.latency-max-seconds", "40"))),
                ints(property("bench.versions", "10,10000")),
                Integer.parseInt(property("bench.rounds", "3")),
                Integer.parseInt(property("bench.seed-concurrency", "16")),
                property("bench.service-heap", "256m"),
                Arrays.stream(property("bench.service-jvm-args", "").split("\\s+")).filter(a -> !a.isBlank()).toList(),
                Path.of(property("bench.jar", "target/anomstack-model-store-0.1.0-SNAPSHOT.jar")),
                Path.of(property("bench.output", "docs/benchmarks.md")),
                Path.of(property("bench.work-dir", "target/bench")),
                property("bench.s3proxy-version", "unknown"),
                Boolean.parseBoolean(property("bench.keep-data", "false")),
                Double.parseDouble(property("bench.link-mibs", "90")),
                Duration.ofMillis(Long.parseLong(property("bench.link-latency-ms", "10"))),
                size("bench.link-random-size", "256MiB"),
                size("bench.link-model-size", "256MiB"),
                Boolean.parseBoolean(property("bench.s3-https", "false")));
    }

    private static String property(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** {@code 1GiB}, {@code 512MiB}, {@code 64KiB} or a number of bytes. */
    static long size(String name, String fallback) {
        String value = property(name, fallback).toLowerCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        for (String[] suffix : new String[][] {{"gib", "1073741824"}, {"mib", "1048576"}, {"kib", "1024"}, {"b", "1"}}) {
            if (value.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                value = value.substring(0, value.length() - suffix[0].length());
                break;
            }
        }
        try {
            return Math.round(Double.parseDouble(value) * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a size such as 512MiB or 1GiB, not '" + property(name, fallback) + "'");
        }
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
    }

    static String formatSize(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + " GiB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + " MiB";
        }
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
