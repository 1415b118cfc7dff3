package io.anomstack.modelstore.catalog;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How a model's bytes are stored: as uploaded, or compressed. The token is both the descriptor's
 * {@code content_encoding} and the HTTP / S3 {@code Content-Encoding}.
 */
public enum ModelEncoding {

    IDENTITY("identity"),
    ZSTD("zstd"),
    GZIP("gzip");

    private static final int GZIP_BUFFER = 64 * 1024;

    private final String token;

    ModelEncoding(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    /** The Content-Encoding header value for a stored object: none for identity. */
    public String contentEncodingHeader() {
        return this == IDENTITY ? null : token;
    }

    /** The encoding named by a token; {@code none} is accepted for identity, as in {@code S3_COMPRESSION=none}. */
    public static ModelEncoding fromToken(String token) {
        String normalised = token == null ? "identity" : token.trim().toLowerCase(Locale.ROOT);
        if (normalised.equals("none") || normalised.isEmpty()) {
            return IDENTITY;
        }
        for (ModelEncoding encoding : values()) {
            if (encoding.token.equals(normalised)) {
                return encoding;
            }
        }
        throw new IllegalArgumentException("Unknown encoding '" + token + "': use zstd, gzip or none.");
    }

    /**
     * Wraps {@code out} so that bytes written are stored in this encoding; closing the result finishes the
     * encoding, frees its native memory and closes {@code out}: every encoder must be closed. zstd compresses on a
     * worker thread of its own (about 11 MiB of native buffers), so that the writer's thread, which reads and hashes
     * the upload, is not held up by compression, the costliest step: a compressible upload ran about 1.5× as fast on
     * two cores for about a tenth more CPU.
     *
     * @param level compression level: zstd 1–19 (1 fastest), gzip 1–9
     */
    public OutputStream encoder(OutputStream out, int level) throws IOException {
        return switch (this) {
            case IDENTITY -> out;
            case ZSTD -> new ZstdOutputStreamNoFinalizer(out, level).setWorkers(1);
            case GZIP -> new GZIPOutputStream(out, GZIP_BUFFER) {
                {
                    def.setLevel(Math.min(level, Deflater.BEST_COMPRESSION));
                }
            };
        };
    }

    /**
     * Wraps {@code in}, bytes in this encoding, so that reading it gives the original bytes; closing it frees its native
     * memory and closes {@code in}: every decoder must be closed. (The zstd streams without a finalizer: a finalizable
     * object costs the garbage collector an extra cycle and holds its native context until the finalizer runs.)
     */
    public InputStream decoder(InputStream in) throws IOException {
        return switch (this) {
            case IDENTITY -> in;
            case ZSTD -> new ZstdInputStreamNoFinalizer(in);
            case GZIP -> new GZIPInputStream(in, GZIP_BUFFER);
        };
    }
}
