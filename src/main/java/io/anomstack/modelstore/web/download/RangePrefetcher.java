package io.anomstack.modelstore.web.download;

import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.ModelContent;
import io.anomstack.modelstore.catalog.ModelDescriptor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Reads large stored models as consecutive byte ranges fetched a few ranges ahead of the response by parallel GETs.
 * One connection to Amazon S3 carries roughly 80–100 MB/s, so a download over a single GET is held to that whatever
 * the service's own bandwidth; ranges in flight on several connections are not. Memory is bounded for the whole
 * service: {@link #BUFFERS} range buffers of {@link #RANGE_BYTES}, shared by all downloads and kept once allocated;
 * a download that finds none free streams over a single GET as before.
 */
final class RangePrefetcher implements AutoCloseable {

    static final int RANGE_BYTES = 8 * 1024 * 1024;
    static final int BUFFERS = 4;
    /** Smaller models gain nothing from parallel ranges: one GET is sent in the time a few would be. */
    static final long MIN_BYTES = 2L * RANGE_BYTES;

    private final ModelCatalog catalog;
    private final ArrayDeque<byte[]> idle = new ArrayDeque<>();
    private final ExecutorService fetchers;
    private int allocated;

    RangePrefetcher(ModelCatalog catalog) {
        this.catalog = catalog;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(BUFFERS, BUFFERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "model-prefetch");
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        this.fetchers = pool;
    }

    /**
     * The stored bytes of {@code version} read ahead in ranges, or null when the model is too small or every buffer
     * is taken; the stream must be closed.
     */
    InputStream open(ModelDescriptor version) {
        if (version.storedBytes() < MIN_BYTES) {
            return null;
        }
        List<byte[]> buffers = take(BUFFERS - 1);
        return buffers.isEmpty() ? null : new Ranges(version, buffers);
    }

    private synchronized List<byte[]> take(int wanted) {
        List<byte[]> taken = new ArrayList<>();
        while (taken.size() < wanted && !idle.isEmpty()) {
            taken.add(idle.pop());
        }
        while (taken.size() < wanted && allocated < BUFFERS) {
            taken.add(new byte[RANGE_BYTES]);
            allocated++;
        }
        return taken;
    }

    private synchronized void give(List<byte[]> buffers) {
        buffers.forEach(idle::push);
    }

    @Override
    public void close() {
        fetchers.shutdown();
    }

    private record Range(byte[] bytes, int length) {
    }

    /** The model's stored bytes, in order, from ranges fetched ahead into this download's buffers. */
    final class Ranges extends InputStream {

        private final ModelDescriptor version;
        private final List<byte[]> buffers;
        private final ArrayDeque<byte[]> free;
        private final ArrayDeque<Future<Range>> ahead = new ArrayDeque<>();
        private long nextFirst;
        private Range current;
        private int position;
        private boolean closed;

        Ranges(ModelDescriptor version, List<byte[]> buffers) {
            this.version = version;
            this.buffers = buffers;
            this.free = new ArrayDeque<>(buffers);
            fetchAhead();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!advance()) {
                return -1;
            }
            int n = Math.min(length, current.length() - position);
            System.arraycopy(current.bytes(), position, target, offset, n);
            position += n;
            return n;
        }

        /** Writes each range straight from its buffer: no copy through a caller's array. */
        @Override
        public long transferTo(OutputStream out) throws IOException {
            long total = 0;
            while (advance()) {
                int n = current.length() - position;
                out.write(current.bytes(), position, n);
                position += n;
                total += n;
            }
            return total;
        }

        /** Whether bytes are left, waiting for the next range when the current one is used up. */
        private boolean advance() throws IOException {
            if (closed) {
                throw new IOException("The download is closed");
            }
            if (current != null && position < current.length()) {
                return true;
            }
            if (current != null) {
                free.push(current.bytes());
                current = null;
            }
            fetchAhead();
            if (ahead.isEmpty()) {
                return false;
            }
            current = await(ahead.poll());
            position = 0;
            fetchAhead();
            return true;
        }

        private void fetchAhead() {
            while (!free.isEmpty() && nextFirst < version.storedBytes()) {
                byte[] buffer = free.pop();
                long first = nextFirst;
                int length = (int) Math.min(RANGE_BYTES, version.storedBytes() - first);
                nextFirst += length;
                ahead.add(fetchers.submit(() -> fetch(buffer, first, length)));
            }
        }

        private Range fetch(byte[] buffer, long first, int length) {
            try (ModelContent range = catalog.openRange(version, first, first + length - 1)) {
                int read = range.body().readNBytes(buffer, 0, length);
                if (read != length) {
                    throw new IOException("S3 sent " + read + " of the " + length + " bytes at " + first + " of " + version.key());
                }
                return new Range(buffer, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Range await(Future<Range> range) throws IOException {
            try {
                return range.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while reading " + version.key(), e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UncheckedIOException io) {
                    throw io.getCause();
                }
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IOException(e.getCause());
            }
        }

        /** Waits for the ranges in flight, whose buffers their fetches still write, before giving the buffers back. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            boolean interrupted = false;
            for (Future<Range> range : ahead) {
                while (true) {
                    try {
                        range.get();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        // The download is over: a failed range no longer matters.
                        break;
                    }
                }
            }
            ahead.clear();
            give(buffers);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
