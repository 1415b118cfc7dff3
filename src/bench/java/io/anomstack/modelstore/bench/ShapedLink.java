package io.anomstack.modelstore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay in front of S3Proxy that gives every connection what one connection to Amazon S3 gets: a bandwidth
 * cap per direction and a first-byte latency on every response. Loopback has neither, so there the bytes compression
 * saves are free and a single connection is as fast as several; on this link both matter as they do against S3.
 * Its relay threads are named {@code S3Link-…}; the CPU meter counts them with S3Proxy's.
 */
final class ShapedLink implements AutoCloseable {

    static final String THREAD_PREFIX = "S3Link";
    private static final int BLOCK = 64 * 1024;

    private final URI target;
    private final double bytesPerNano;
    private final long firstByteLatencyNanos;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean open = true;

    /**
     * @param bytesPerSecond   the cap of each connection, in each direction
     * @param firstByteLatency added before the first byte of every response
     */
    ShapedLink(URI target, double bytesPerSecond, Duration firstByteLatency) throws IOException {
        this.target = target;
        this.bytesPerNano = bytesPerSecond / 1e9;
        this.firstByteLatencyNanos = firstByteLatency.toNanos();
        this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, THREAD_PREFIX + "-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    URI endpoint() {
        // Bytes are relayed as they are, TLS included: the link speaks its target's scheme.
        return URI.create(target.getScheme() + "://127.0.0.1:" + listener.getLocalPort());
    }

    private void accept() {
        while (open) {
            try {
                Socket downstream = listener.accept();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(target.getHost(), target.getPort()));
                for (Socket socket : new Socket[] {downstream, upstream}) {
                    socket.setTcpNoDelay(true);
                }
                int id = connections.incrementAndGet();
                AtomicBoolean requestSent = new AtomicBoolean();
                start(THREAD_PREFIX + "-" + id + "-up", downstream, upstream, requestSent, false);
                start(THREAD_PREFIX + "-" + id + "-down", upstream, downstream, requestSent, true);
            } catch (IOException e) {
                if (open) {
                    System.err.println("shaped link: " + e);
                }
            }
        }
    }

    private void start(String name, Socket from, Socket to, AtomicBoolean requestSent, boolean responses) {
        Thread pump = new Thread(() -> pump(from, to, requestSent, responses), name);
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Copies one direction, paced so that its bytes never run ahead of the cap. HTTP/1.1 without pipelining: the first
     * bytes the server sends after the client sent some begin a response (an interim 100 Continue counts as one).
     */
    private void pump(Socket from, Socket to, AtomicBoolean requestSent, boolean responses) {
        byte[] block = new byte[BLOCK];
        long next = System.nanoTime();
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                int n = in.read(block);
                if (n < 0) {
                    break;
                }
                long now = System.nanoTime();
                next = Math.max(next, now);
                if (responses && requestSent.getAndSet(false)) {
                    next = Math.max(next, now + firstByteLatencyNanos);
                }
                sleepUntil(next);
                out.write(block, 0, n);
                next += (long) (n / bytesPerNano);
                if (!responses) {
                    requestSent.set(true);
                }
            }
        } catch (IOException e) {
            // The other side closed the connection.
        }
    }

    private static void sleepUntil(long deadline) {
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        listener.close();
    }
}
