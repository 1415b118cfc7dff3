package io.anomstack.modelstore.web.upload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The uploads being received, so that a shutdown neither cuts short an upload that could still finish nor leaves one
 * half-written. On SIGTERM the web server stops taking requests and lets those running finish within
 * {@code MODELSTORE_SHUTDOWN_GRACE_PERIOD} ({@code server.shutdown=graceful}). Uploads still running when that ends are
 * stopped here, after the graceful phase and before the web server, the part-upload threads and the S3 client go:
 * their next read of the body fails, so each aborts its multipart upload as any interrupted upload does, and its client
 * gets 503 to retry elsewhere. Nothing of them is stored.
 */
@Component
public class UploadDrain implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(UploadDrain.class);

    /** Stopped after the graceful-shutdown phase has ended or timed out, before the web server stops. */
    static final int PHASE = WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE - 512;

    /**
     * How long stopped uploads get to abort. A stopped upload notices at its next read, so only one whose client sends
     * nothing at all takes longer: the web server's stop then closes its connection.
     */
    static final Duration ABORT_ALLOWANCE = Duration.ofSeconds(10);

    private final Set<Receiving> receiving = ConcurrentHashMap.newKeySet();
    private volatile boolean accepting;

    /**
     * Registers an upload being received, before its body is read. The upload passes every stream it reads the body from
     * through {@link Receiving#body}, lets {@link Receiving#failure} translate what it fails with, and calls
     * {@link Receiving#end()} once it has ended, whichever way.
     */
    Receiving begin() {
        Receiving tracked = new Receiving();
        receiving.add(tracked);
        if (!accepting) {
            tracked.stop();
        }
        return tracked;
    }

    /** Unregisters an upload that has ended, which a shutdown waiting for the uploads to abort notices. */
    private void ended(Receiving tracked) {
        receiving.remove(tracked);
        synchronized (receiving) {
            receiving.notifyAll();
        }
    }

    @Override
    public void start() {
        accepting = true;
    }

    @Override
    public void stop() {
        accepting = false;
        if (receiving.isEmpty()) {
            return;
        }
        log.warn("The shutdown grace period is over with {} upload(s) still running: aborting them; nothing of them is "
                + "stored and their clients get 503", receiving.size());
        receiving.forEach(Receiving::stop);
        long deadline = System.nanoTime() + ABORT_ALLOWANCE.toNanos();
        synchronized (receiving) {
            while (!receiving.isEmpty() && System.nanoTime() < deadline) {
                try {
                    receiving.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (!receiving.isEmpty()) {
            log.warn("{} upload(s) did not abort within {} (their clients send nothing); stopping the web server closes "
                    + "their connections", receiving.size(), ABORT_ALLOWANCE);
        }
    }

    @Override
    public boolean isRunning() {
        return accepting;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** One upload being received: once stopped, its body fails on the next read. */
    final class Receiving {

        private volatile boolean stopped;

        private void stop() {
            stopped = true;
        }

        /** What the upload failed with: a {@link ShuttingDownException} if the shutdown stopped it. */
        RuntimeException failure(RuntimeException e) {
            return stopped ? new ShuttingDownException(e) : e;
        }

        /** Marks the upload as ended; called once, whether it succeeded or failed. */
        void end() {
            ended(this);
        }

        /** The body stream, which stops delivering bytes once the shutdown stops the upload. */
        InputStream body(InputStream in) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    checkRunning();
                    int b = super.read();
                    checkRunning();
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    checkRunning();
                    int n = super.read(buffer, offset, length);
                    checkRunning();
                    return n;
                }
            };
        }

        private void checkRunning() throws IOException {
            if (stopped) {
                throw new IOException("the service is shutting down");
            }
        }
    }
}
