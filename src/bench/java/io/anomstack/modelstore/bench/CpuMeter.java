package io.anomstack.modelstore.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system, from {@code /proc/<pid>/task/<tid>/stat}) of the three parties of a transfer: the
 * service's JVM, S3Proxy's threads and the client's (every other thread of this JVM, JIT and GC included). On a
 * small shared machine the throughput of each path is largely its CPU cost, so the report shows both.
 */
final class CpuMeter {

    /** CPU seconds used so far by each party. */
    record Sample(double service, double s3proxy, double client) {

        Sample minus(Sample before) {
            return new Sample(service - before.service, s3proxy - before.s3proxy, client - before.client);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "[CPU s: service %.2f, S3Proxy %.2f, client %.2f]", service, s3proxy, client);
        }
    }

    private static final double TICKS_PER_SECOND = ticksPerSecond();

    private final long servicePid;
    private final long selfPid = ProcessHandle.current().pid();

    CpuMeter(long servicePid) {
        this.servicePid = servicePid;
    }

    Sample sample() {
        double[] service = threads(servicePid, null);
        double[] self = threads(selfPid, "S3Proxy");
        return new Sample(service[0] + service[1], self[1], self[0]);
    }

    /** CPU seconds of a process's threads: [others, those whose name starts with {@code group}]. */
    private static double[] threads(long pid, String group) {
        double[] seconds = new double[2];
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);   // utime + stime
                    seconds[group != null && name.startsWith(group) ? 1 : 0] += ticks / TICKS_PER_SECOND;
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
