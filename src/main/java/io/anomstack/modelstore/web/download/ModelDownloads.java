package io.anomstack.modelstore.web.download;

import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.ModelContent;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelEncoding;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/**
 * Writes a model version to the response as a stream, straight from S3. A client that accepts the stored
 * encoding gets the stored bytes untouched (with {@code Content-Encoding}); any other gets them decoded on the
 * fly. The descriptor alone answers {@code HEAD} and a matching {@code If-None-Match}, without reading the
 * model. A single {@code Range} is served from the original bytes. Large models are read from S3 in ranges
 * fetched ahead in parallel ({@link RangePrefetcher}).
 */
@Component
public class ModelDownloads implements AutoCloseable {

    public static final String VERSION_HEADER = "X-Model-Version";
    public static final String SHA256_HEADER = "X-Model-Sha256";

    private final ModelCatalog catalog;
    private final RangePrefetcher prefetcher;

    ModelDownloads(ModelCatalog catalog) {
        this.catalog = catalog;
        this.prefetcher = new RangePrefetcher(catalog);
    }

    @Override
    public void close() {
        prefetcher.close();
    }

    public void send(ModelDescriptor version, HttpServletRequest request, HttpServletResponse response) throws IOException {
        ModelEncoding stored = ModelEncoding.fromToken(version.contentEncoding());
        String rangeHeader = request.getHeader(HttpHeaders.RANGE);
        ByteRange range = rangeHeader == null || !ifRangeHolds(request, version) ? null
                : ByteRange.parse(rangeHeader, version.sizeBytes());
        boolean passThrough = range == null && stored != ModelEncoding.IDENTITY
                && accepts(request.getHeader(HttpHeaders.ACCEPT_ENCODING), stored);
        ModelEncoding sent = passThrough ? stored : ModelEncoding.IDENTITY;
        String eTag = eTagOf(version, sent);
        if (matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), version)) {
            writeValidators(version, eTag, response);
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        if (range != null && !range.satisfiable()) {
            throw new RangeNotSatisfiableException(version.sizeBytes());
        }
        if ("HEAD".equals(request.getMethod())) {
            writeHeaders(version, eTag, sent, range, response);
            return;
        }
        // Open the model before writing any of its headers: when S3 fails here, the problem detail that answers
        // instead must not carry the model's ETag, version or Content-Length.
        try (ModelContent content = open(version, stored, range, passThrough)) {
            writeHeaders(version, eTag, sent, range, response);
            try {
                OutputStream out = response.getOutputStream();
                InputStream body = range == null || stored == ModelEncoding.IDENTITY ? content.body()
                        : ranged(content.body(), range);
                Streams.copy(body, out);
                out.flush();
            } catch (IOException | RuntimeException e) {
                if (!response.isCommitted()) {
                    // Nothing was sent yet: drop the model's headers so that the error is answered cleanly.
                    response.reset();
                }
                throw e;
            }
        }
    }

    /**
     * The stored bytes when they go out as they are; only the requested bytes when the object is stored as is;
     * otherwise the original bytes, decoded by the catalog.
     */
    private ModelContent open(ModelDescriptor version, ModelEncoding stored, ByteRange range, boolean passThrough)
            throws IOException {
        if (range != null && stored == ModelEncoding.IDENTITY) {
            return catalog.openRange(version, range.first(), range.last());
        }
        boolean storedBytes = passThrough || stored == ModelEncoding.IDENTITY;
        InputStream prefetched = prefetcher.open(version);
        if (prefetched != null) {
            try {
                return new ModelContent(version, storedBytes ? prefetched : stored.decoder(prefetched));
            } catch (IOException | RuntimeException e) {
                prefetched.close();
                throw e;
            }
        }
        return storedBytes ? catalog.open(version) : catalog.openOriginal(version);
    }

    /** The requested range of a decoded model. */
    private static InputStream ranged(InputStream original, ByteRange range) throws IOException {
        original.skipNBytes(range.first());
        return new BoundedInputStream(original, range.length());
    }

    private static void writeValidators(ModelDescriptor version, String eTag, HttpServletResponse response) {
        response.setHeader(HttpHeaders.ETAG, eTag);
        response.setHeader(VERSION_HEADER, version.version());
        response.setHeader(SHA256_HEADER, version.sha256());
        response.setDateHeader(HttpHeaders.LAST_MODIFIED, version.createdAt().toEpochMilli());
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        response.setHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
    }

    private static void writeHeaders(ModelDescriptor version, String eTag, ModelEncoding sent, ByteRange range,
                                     HttpServletResponse response) {
        writeValidators(version, eTag, response);
        response.setContentType(MediaType.APPLICATION_OCTET_STREAM_VALUE);
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + fileNameOf(version) + "\"");
        response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
        if (range != null) {
            response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
            response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes " + range.first() + "-" + range.last() + "/" + version.sizeBytes());
            response.setContentLengthLong(range.length());
        } else if (sent != ModelEncoding.IDENTITY) {
            response.setHeader(HttpHeaders.CONTENT_ENCODING, sent.token());
            response.setContentLengthLong(version.storedBytes());
        } else {
            response.setContentLengthLong(version.sizeBytes());
        }
    }

    /** The strong validator of the original bytes: their SHA-256, which names them. */
    public static String eTagOf(ModelDescriptor version) {
        return eTagOf(version, ModelEncoding.IDENTITY);
    }

    /** Each representation has its own strong validator: the encoded bytes differ from the original ones. */
    private static String eTagOf(ModelDescriptor version, ModelEncoding sent) {
        return "\"" + version.sha256() + (sent == ModelEncoding.IDENTITY ? "" : "-" + sent.token()) + "\"";
    }

    /** Any representation of the version matches: they all carry the same model. */
    private static boolean matches(String ifNoneMatch, ModelDescriptor version) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String value = candidate.trim();
            if (value.startsWith("W/")) {
                value = value.substring(2);
            }
            if (value.equals("*") || value.startsWith("\"" + version.sha256())) {
                return true;
            }
        }
        return false;
    }

    /** {@code If-Range} with a stale validator means: send the whole model instead of the range. */
    private static boolean ifRangeHolds(HttpServletRequest request, ModelDescriptor version) {
        String ifRange = request.getHeader(HttpHeaders.IF_RANGE);
        return ifRange == null || ifRange.trim().equals(eTagOf(version));
    }

    /** Whether {@code Accept-Encoding} allows {@code encoding} (listed, or {@code *}, with a non-zero weight). */
    static boolean accepts(String acceptEncoding, ModelEncoding encoding) {
        if (acceptEncoding == null) {
            return false;
        }
        boolean accepted = false;
        for (String member : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
            String[] parts = member.trim().split(";");
            String coding = parts[0].trim();
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim();
                if (parameter.startsWith("q=")) {
                    refused = parameter.substring(2).trim().matches("0(\\.0{0,3})?");
                }
            }
            if (coding.equals(encoding.token())) {
                return !refused;
            }
            if (coding.equals("*")) {
                accepted = !refused;
            }
        }
        return accepted;
    }

    private static String fileNameOf(ModelDescriptor version) {
        return version.key().substring(version.key().lastIndexOf('/') + 1);
    }
}
