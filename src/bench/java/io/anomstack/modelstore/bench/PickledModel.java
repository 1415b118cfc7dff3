package io.anomstack.modelstore.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/**
 * A deterministic stand-in for a trained model as Anomstack stores it: a pickle (protocol 5, as
 * {@code pickle.dumps(model.__dict__, protocol=5)} writes it with numpy 2) of a dict whose bulk is float64 numpy
 * arrays. The arrays are shaped like what PyOD/scikit-learn detectors keep: training windows of metric values
 * that went through float32 (their low mantissa bits are zero), standardised features on a fixed grid, full
 * precision scores, and integer-valued tree structure. That mix compresses about 2-3x with zstd, like real
 * model pickles; random bytes would not compress at all and constant arrays far too well.
 */
final class PickledModel {

    /** One array of the model: its dict key, its share of the bytes, how its values are made. */
    private enum Part {
        X_TRAIN("X_train_", 0.40, 16),
        X_SCALED("X_train_scaled_", 0.25, 16),
        SCORES("decision_scores_", 0.10, 1),
        TREES("estimators_nodes_", 0.25, 8);

        final String key;
        final double share;
        final int columns;

        Part(String key, double share, int columns) {
            this.key = key;
            this.share = share;
            this.columns = columns;
        }
    }

    private static final int BUFFER = 1 << 20;
    /** Bytes left for the padding string (at most 255) beyond what whole rows of the last array leave over. */
    private static final int PADDING_SLACK = 128;

    private PickledModel() {
    }

    /**
     * Writes a model of exactly {@code size} bytes to {@code file} and returns the SHA-256 of its bytes.
     */
    static byte[] write(Path file, long size, long seed) throws IOException {
        MessageDigest sha256 = Digests.sha256();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Writer writer = new Writer(out, sha256);
            writer.bytes(new byte[] {(byte) 0x80, 5, '}', '('});   // PROTO 5, EMPTY_DICT, MARK
            writer.key("n_neighbors");
            writer.bytes(new byte[] {'K', 5});                     // BININT1 5
            writer.key("contamination");
            writer.bytes(new byte[] {'G'});                        // BINFLOAT, big-endian
            writer.bytes(ByteBuffer.allocate(8).putDouble(0.01).array());
            writer.key("method");
            writer.string("largest");
            // After the arrays: the key "_build_info", a string header, SETITEMS and STOP.
            long tail = 2 + "_build_info".length() + 2 + 2;
            long fixed = writer.written + tail;
            for (Part part : Part.values()) {
                fixed += 2 + part.key.length() + arrayOverhead(part);
            }
            long payload = size - fixed - PADDING_SLACK;
            if (payload < 8L * 1024) {
                throw new IllegalArgumentException("A model needs at least 8 KiB, not " + size + " bytes");
            }
            SplittableRandom random = new SplittableRandom(seed);
            long remaining = payload;
            Part[] parts = Part.values();
            for (int i = 0; i < parts.length; i++) {
                Part part = parts[i];
                long rowBytes = 8L * part.columns;
                long bytes = i == parts.length - 1 ? remaining : (long) (payload * part.share);
                long rows = bytes / rowBytes;
                writer.key(part.key);
                writeArray(writer, part, rows, random.split());
                remaining -= rows * rowBytes;
            }
            // What whole rows did not fill goes into a string value, so that the file has exactly the size asked for.
            long padding = size - writer.written - tail;
            if (padding < 0 || padding > 255) {
                throw new IllegalStateException("padding of " + padding + " bytes");
            }
            writer.key("_build_info");
            writer.string("x".repeat((int) padding));
            writer.bytes(new byte[] {'u', '.'});                   // SETITEMS, STOP
            writer.flush();
            if (writer.written != size) {
                throw new IllegalStateException("wrote " + writer.written + " bytes, not " + size);
            }
        }
        return sha256.digest();
    }

    private static long arrayOverhead(Part part) {
        return arrayHeader().length + 9 + arrayTrailer(part, 1).length;
    }

    /** {@code numpy._core.numeric._frombuffer(bytearray, dtype('f8'), shape, 'C')}, as numpy 2 pickles an array. */
    private static void writeArray(Writer writer, Part part, long rows, SplittableRandom random) throws IOException {
        long bytes = rows * part.columns * 8;
        writer.bytes(arrayHeader());
        ByteBuffer length = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
        length.put((byte) 0x96).putLong(bytes);                  // BYTEARRAY8
        writer.bytes(length.array());
        Values values = new Values(part, random);
        for (long row = 0; row < rows; row++) {
            for (int column = 0; column < part.columns; column++) {
                writer.float64(values.next(column));
            }
        }
        writer.bytes(arrayTrailer(part, rows));
    }

    private static byte[] arrayHeader() {
        ByteBuffer header = ByteBuffer.allocate(64);
        putShortString(header, "numpy._core.numeric");
        putShortString(header, "_frombuffer");
        header.put((byte) 0x93).put((byte) '(');                  // STACK_GLOBAL, MARK
        return slice(header);
    }

    private static byte[] arrayTrailer(Part part, long rows) {
        ByteBuffer trailer = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        putShortString(trailer, "numpy");
        putShortString(trailer, "dtype");
        trailer.put((byte) 0x93);
        putShortString(trailer, "f8");
        trailer.put((byte) 0x89).put((byte) 0x88).put((byte) 0x87).put((byte) 'R');   // False, True, TUPLE3, REDUCE
        trailer.put((byte) '(').put((byte) 'K').put((byte) 3);
        putShortString(trailer, "<");
        trailer.put((byte) 'N').put((byte) 'N').put((byte) 'N');
        trailer.put((byte) 'J').putInt(-1).put((byte) 'J').putInt(-1).put((byte) 'K').put((byte) 0);
        trailer.put((byte) 't').put((byte) 'b');                  // TUPLE, BUILD (the dtype's state)
        trailer.put((byte) 'J').putInt(Math.toIntExact(rows));
        if (part.columns == 1) {
            trailer.put((byte) 0x85);                             // TUPLE1
        } else {
            trailer.put((byte) 'J').putInt(part.columns).put((byte) 0x86);   // TUPLE2
        }
        putShortString(trailer, "C");
        trailer.put((byte) 't').put((byte) 'R');                  // TUPLE (the MARK of the header), REDUCE
        return slice(trailer);
    }

    private static void putShortString(ByteBuffer buffer, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        buffer.put((byte) 0x8c).put((byte) utf8.length).put(utf8);   // SHORT_BINUNICODE
    }

    private static byte[] slice(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        return bytes;
    }

    /** The values of one array, column by column, row after row. */
    private static final class Values {

        private final Part part;
        private final SplittableRandom random;
        private final double[] level = new double[16];
        private final double[] mean = new double[16];
        private final double[] scale = new double[16];
        private long index;

        Values(Part part, SplittableRandom random) {
            this.part = part;
            this.random = random;
            for (int c = 0; c < level.length; c++) {
                mean[c] = 10 + random.nextDouble() * 90;      // cpu %, latency ms, queue length…
                scale[c] = 0.5 + random.nextDouble() * 5;
                level[c] = mean[c];
            }
        }

        double next(int column) {
            index++;
            return switch (part) {
                // Metric values that went through float32 (pandas / the exporter): 29 low mantissa bits are zero.
                case X_TRAIN -> (float) walk(column);
                // Standardised features on a 1/4096 grid, as a quantising scaler leaves them.
                case X_SCALED -> Math.rint((walk(column) - mean[column]) / scale[column] * 4096) / 4096;
                // Anomaly scores: full float64 precision, no structure beyond their range.
                case SCORES -> Math.abs(random.nextGaussian()) * 1.7 + 0.2;
                // Tree structure stored as float64: child ids, feature ids, sample counts.
                case TREES -> switch (column) {
                    case 0 -> (double) (index / 8 * 2 + 1);
                    case 1 -> (double) (index / 8 * 2 + 2);
                    case 2 -> (double) random.nextInt(16);
                    case 3 -> (double) (1 << random.nextInt(9));
                    case 4 -> Math.rint(random.nextGaussian() * 64) / 64;
                    default -> column == 5 ? -1.0 : (double) random.nextInt(256);
                };
            };
        }

        private double walk(int column) {
            double step = random.nextGaussian() * scale[column] * 0.2 + (mean[column] - level[column]) * 0.02;
            level[column] += step;
            return level[column];
        }
    }

    /** Writes through a 1 MiB buffer, hashing and counting what it writes. */
    private static final class Writer {

        private final FileChannel out;
        private final MessageDigest sha256;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        long written;

        Writer(FileChannel out, MessageDigest sha256) {
            this.out = out;
            this.sha256 = sha256;
        }

        void key(String key) throws IOException {
            string(key);
        }

        void string(String value) throws IOException {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > 255) {
                throw new IllegalArgumentException(value);
            }
            bytes(new byte[] {(byte) 0x8c, (byte) utf8.length});
            bytes(utf8);
        }

        void bytes(byte[] bytes) throws IOException {
            if (buffer.remaining() < bytes.length) {
                flush();
            }
            buffer.put(bytes);
            written += bytes.length;
        }

        void float64(double value) throws IOException {
            if (buffer.remaining() < 8) {
                flush();
            }
            buffer.putDouble(value);
            written += 8;
        }

        void flush() throws IOException {
            buffer.flip();
            sha256.update(buffer.array(), 0, buffer.limit());
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            buffer.clear();
        }
    }
}
