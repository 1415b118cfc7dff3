package io.anomstack.modelstore.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * CPU time (user + system, from {@code /proc/<pid>/task/<tid>/stat}) of the three parties of a transfer: the
 * service's JVM, the S3 side (S3Proxy's threads, and the {@link ShapedLink}'s relay threads when there is one) and the
 * client's (every other thread of this JVM, JIT and GC included). On a
 * small shared machine the throughput of each path is largely its CPU cost, so the report shows both.
 */
final class CpuMeter {

    /**
     * CPU seconds used so far by each party; {@code serviceJit} and {@code clientJit} are the parts of {@code service}
     * and {@code client} that their JVMs' JIT compiler threads spent (the benchmark JVM's compiles S3Proxy's code too).
     */
    record Sample(double service, double s3proxy, double client, double serviceJit, double clientJit) {

        Sample minus(Sample before) {
            return new Sample(service - before.service, s3proxy - before.s3proxy, client - before.client,
                    serviceJit - before.serviceJit, clientJit - before.clientJit);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "[CPU s: service %.2f (JIT %.2f), S3Proxy %.2f, client %.2f (JIT %.2f)]",
                    service, serviceJit, s3proxy, client, clientJit);
        }
    }

    /** HotSpot's compiler threads: {@code C1 CompilerThread0}, {@code C2 CompilerThread1}, … (names cut at 15 characters). */
    private static final String[] JIT_THREADS = {"C1 CompilerThre", "C2 CompilerThre"};

    private static final double TICKS_PER_SECOND = ticksPerSecond();

    private final long servicePid;
    private final long selfPid = ProcessHandle.current().pid();

    CpuMeter(long servicePid) {
        this.servicePid = servicePid;
    }

    Sample sample() {
        double[] service = threads(servicePid);
        double[] self = threads(selfPid, "S3Proxy", ShapedLink.THREAD_PREFIX);
        return new Sample(service[0] + service[1] + service[2], self[1], self[0] + self[2], service[2], self[2]);
    }

    /**
     * CPU seconds of a process's threads: [others, those whose name starts with one of {@code group}, the JIT compiler
     * threads].
     */
    private static double[] threads(long pid, String... group) {
        double[] seconds = new double[3];
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);   // utime + stime
                    int party = Arrays.stream(JIT_THREADS).anyMatch(name::startsWith) ? 2
                            : Arrays.stream(group).anyMatch(name::startsWith) ? 1 : 0;
                    seconds[party] += ticks / TICKS_PER_SECOND;
                } catch (IOException | RuntimeException e) {
                    // The thread ended meanwhile.
                }
            }
        } catch (IOException e) {
            return seconds;
        }
        return seconds;
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
