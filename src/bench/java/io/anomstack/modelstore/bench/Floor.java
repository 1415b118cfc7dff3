package io.anomstack.modelstore.bench;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.anomstack.modelstore.pickle.AllowList;
import io.anomstack.modelstore.pickle.PickleScanner;
import io.anomstack.modelstore.pickle.PickleVerdict;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The work no design of the service can skip, timed in this JVM on one thread over the benchmark's own files: one
 * SHA-256 pass (every byte is hashed end to end), and zstd at the service's level to encode and decode the compressible
 * model. CPU seconds per GiB of original bytes, the best of two passes; reading the files is not counted. Beside it,
 * the pickle scan every upload gets ({@link PickleScanner}), timed the same way on the compressible model, a pickle.
 */
record Floor(double sha256, double zstdEncode, double zstdDecode, double pickleScan) {

    private static final int CHUNK = 1 << 20;
    private static final double GIB = 1L << 30;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    static Floor measure(Path random, Path model, int zstdLevel) throws Exception {
        double sha256 = Math.min(sha256(random), sha256(random));
        double[] first = zstd(model, zstdLevel);
        double[] second = zstd(model, zstdLevel);
        double scan = Math.min(pickleScan(model), pickleScan(model));
        return new Floor(sha256, Math.min(first[0], second[0]), Math.min(first[1], second[1]), scan);
    }

    /** CPU seconds per GiB of the service's pickle scan over {@code file}, with the service's default allow-list. */
    private static double pickleScan(Path file) throws IOException {
        PickleScanner scanner = new PickleScanner(AllowList.defaults());
        double seconds = perGib(file, scanner::update);
        PickleVerdict verdict = scanner.finish().verdict();
        if (verdict != PickleVerdict.ALLOWED) {
            throw new IllegalStateException("the benchmark's model pickle is " + verdict + " to the service's scan");
        }
        return seconds;
    }

    /** CPU seconds per GiB of a SHA-256 pass over {@code file}. */
    private static double sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        double seconds = perGib(file, digest::update);
        digest.digest();
        return seconds;
    }

    /** Work on a chunk of a file's bytes. */
    private interface ChunkWork {
        void apply(byte[] bytes, int offset, int length) throws IOException;
    }

    /** Feeds {@code file} to {@code work} a chunk at a time: the CPU seconds per GiB of the work alone, not the reads. */
    private static double perGib(Path file, ChunkWork work) throws IOException {
        long cpu = 0;
        long bytes = 0;
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            while (channel.read(buffer.clear()) > 0) {
                long t0 = THREADS.getCurrentThreadCpuTime();
                work.apply(buffer.array(), 0, buffer.position());
                cpu += THREADS.getCurrentThreadCpuTime() - t0;
                bytes += buffer.position();
            }
        }
        return cpu / 1e9 / (bytes / GIB);
    }

    /** CPU seconds per GiB of original bytes to encode {@code file} with zstd and to decode it again, in memory. */
    private static double[] zstd(Path file, int level) throws IOException {
        double gib = Files.size(file) / GIB;
        List<byte[]> compressed = new ArrayList<>();
        // No worker threads (the service has one per upload): on this thread, so that its CPU time is all of it.
        ZstdOutputStreamNoFinalizer encoder = new ZstdOutputStreamNoFinalizer(new ChunkCollector(compressed), level);
        double encode = perGib(file, encoder::write);
        long t0 = THREADS.getCurrentThreadCpuTime();
        encoder.close();
        encode += (THREADS.getCurrentThreadCpuTime() - t0) / 1e9 / gib;
        t0 = THREADS.getCurrentThreadCpuTime();
        try (InputStream decoder = new ZstdInputStreamNoFinalizer(new SequenceInputStream(
                Collections.enumeration(compressed.stream().<InputStream>map(ByteArrayInputStream::new).toList())))) {
            byte[] sink = new byte[CHUNK];
            while (decoder.read(sink) >= 0) {
                // decoded bytes are dropped: only the decoding is timed
            }
        }
        double decode = (THREADS.getCurrentThreadCpuTime() - t0) / 1e9 / gib;
        return new double[] {encode, decode};
    }

    /** Keeps what is written as 1 MiB arrays: no doubling copies of a growing buffer. */
    private static final class ChunkCollector extends OutputStream {

        private final List<byte[]> chunks;
        private byte[] current = new byte[CHUNK];
        private int filled;

        ChunkCollector(List<byte[]> chunks) {
            this.chunks = chunks;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            while (length > 0) {
                int n = Math.min(length, CHUNK - filled);
                System.arraycopy(bytes, offset, current, filled, n);
                filled += n;
                offset += n;
                length -= n;
                if (filled == CHUNK) {
                    flushChunk();
                }
            }
        }

        @Override
        public void close() {
            flushChunk();
        }

        private void flushChunk() {
            if (filled > 0) {
                chunks.add(filled == CHUNK ? current : Arrays.copyOf(current, filled));
                current = new byte[CHUNK];
                filled = 0;
            }
        }
    }
}
