package io.anomstack.modelstore.support;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * S3Proxy (filesystem backend) as a process of its own, so that a test can SIGKILL it like a crashed S3 and start it
 * again on the same port with the same data directory, objects and multipart uploads included, or SIGSTOP it like a
 * hung S3 (connections accepted by the kernel, never answered) and SIGCONT it.
 */
public final class S3ProxyProcess implements S3Backend {

    private final Path dataDir;
    private final Path properties;
    private final Path log;
    private final int port;
    private final String accessKey = "outage-" + UUID.randomUUID().toString().substring(0, 8);
    private final String secretKey = UUID.randomUUID().toString();
    private Process process;

    private S3ProxyProcess(Path workDir) throws IOException {
        this.dataDir = Files.createDirectories(workDir.resolve("data"));
        this.properties = workDir.resolve("s3proxy.properties");
        this.log = workDir.resolve("s3proxy.log");
        this.port = ForkedService.freePort();
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + accessKey,
                "s3proxy.credential=" + secretKey,
                "s3proxy.ignore-unknown-headers=true",
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + dataDir.toAbsolutePath()) + "\n");
    }

    /** Starts S3Proxy from the tests' class path, keeping its files under {@code workDir}. */
    public static S3ProxyProcess start(Path workDir) throws Exception {
        S3ProxyProcess s3 = new S3ProxyProcess(workDir);
        s3.restart();
        return s3;
    }

    /** Starts the process (again) on the same port and data directory and waits until it accepts connections. */
    public void restart() throws Exception {
        process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "org.gaul.s3proxy.Main", "--properties", properties.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited:\n" + Files.readString(log));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("S3Proxy did not start:\n" + Files.readString(log));
    }

    /** SIGKILL: S3 gone at once, connections dropped, nothing flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGSTOP: S3 hung. Its kernel still accepts connections and bytes, but nothing answers until {@link #resume()}. */
    public void pause() throws Exception {
        signal("STOP");
    }

    /** SIGCONT: a paused S3 goes on where it stopped. */
    public void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    @Override
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public String accessKey() {
        return accessKey;
    }

    @Override
    public String secretKey() {
        return secretKey;
    }

    /** Kills the process, resuming it first in case a test left it paused. */
    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            resume();
            kill();
        }
    }
}
