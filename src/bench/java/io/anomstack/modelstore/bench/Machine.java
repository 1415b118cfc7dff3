package io.anomstack.modelstore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Where and on what the benchmark ran: recorded with the results, which mean little without it. */
record Machine(int cores, String cpu, long memoryBytes, String os, String java, Instant date, String commit,
               String loadAtStart, String filesystem) {

    static Machine describe(BenchConfig config) {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                firstValue(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch")),
                firstValue(Path.of("/proc/meminfo"), "MemTotal").map(v -> Long.parseLong(v.split("\\s+")[0]) * 1024).orElse(-1L),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                        + " (" + System.getProperty("java.vendor") + ")",
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                gitCommit(),
                loadAverage(),
                filesystemOf(config.workDir()));
    }

    /** The 1, 5 and 15 minute load averages. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Optional<String> firstValue(Path file, String key) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> line.startsWith(key))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The commit measured, marked when the working tree had other changes than the report itself. */
    private static String gitCommit() {
        String head = git("rev-parse", "--short=12", "HEAD");
        if (head == null) {
            return "unknown";
        }
        String branch = git("rev-parse", "--abbrev-ref", "HEAD");
        String changes = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs/benchmarks.md");
        return head + (branch == null ? "" : " (" + branch + ")")
                + (changes == null || changes.isBlank() ? "" : " with uncommitted changes");
    }

    private static String git(String... args) {
        try {
            Process process = new ProcessBuilder(concat("git", args)).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes()).trim();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? out : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    private static List<String> concat(String first, String... rest) {
        ArrayList<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all;
    }

    /** The type of filesystem S3Proxy stores on, from /proc/mounts (longest mount point containing the path). */
    private static String filesystemOf(Path path) {
        try {
            Path absolute = path.toAbsolutePath().normalize();
            String best = null;
            int bestLength = -1;
            for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
                String[] parts = line.split("\\s+");
                if (parts.length > 2 && absolute.startsWith(parts[1]) && parts[1].length() > bestLength) {
                    best = parts[2];
                    bestLength = parts[1].length();
                }
            }
            return best == null ? "unknown" : best;
        } catch (IOException e) {
            return "unknown";
        }
    }

    String memory() {
        return memoryBytes < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", memoryBytes / (double) (1L << 30));
    }
}
