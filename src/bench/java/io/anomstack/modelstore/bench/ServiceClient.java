package io.anomstack.modelstore.bench;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.entity.AbstractHttpEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.util.EntityUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What a trainer or scorer does against the service over HTTP/1.1: POST a model as a raw body streamed from a file
 * (fixed length) or from a generator (chunked), GET the latest model into a discarding sink. It uses Apache
 * HttpClient 4.5, the HTTP stack the AWS SDK's client uses for the direct measurements, so that both sides pay
 * the same client costs.
 */
final class ServiceClient implements AutoCloseable {

    static final String BATCH = "bench";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int TRANSFER_TIMEOUT_MS = 10 * 60 * 1000;
    private static final int COPY_BUFFER = 64 * 1024;

    /** The descriptor the service answered an upload with (the fields the benchmark uses). */
    record Stored(String version, long sizeBytes, long storedBytes, String sha256, String contentEncoding, String key) {

        static Stored of(String json) {
            JsonNode node = JSON.readTree(json);
            return new Stored(node.path("version").asString(), node.path("size_bytes").asLong(),
                    node.path("stored_bytes").asLong(), node.path("sha256").asString(),
                    node.path("content_encoding").asString(), node.path("key").asString());
        }
    }

    /** A downloaded model: what was received on the wire, what it decoded to, and its digest. */
    record Received(long wireBytes, long bytes, String sha256, String version) {
    }

    private final ServiceProcess service;
    private final CloseableHttpClient http;

    ServiceClient(ServiceProcess service) {
        this.service = service;
        PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager();
        connections.setMaxTotal(64);
        connections.setDefaultMaxPerRoute(64);
        this.http = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectTimeout(5_000)
                        .setSocketTimeout(TRANSFER_TIMEOUT_MS)
                        .build())
                .disableContentCompression()   // no Accept-Encoding unless a request sets one
                .build();
    }

    URI latestUri(String metric) {
        return service.uri("/api/v1/models/" + BATCH + "/" + metric + "/latest");
    }

    /** Uploads a file as it is (Content-Length, streamed from disk), announcing its SHA-256 for the service to check. */
    Stored uploadFile(String metric, Path file, String sha256Hex) throws IOException {
        return upload(metric, new StreamingEntity(() -> {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Files.size(file)), sha256Hex);
    }

    /** Uploads a generated body with chunked transfer encoding: its length is not announced, nor held anywhere. */
    Stored uploadStream(String metric, Supplier<InputStream> body) throws IOException {
        return upload(metric, new StreamingEntity(body, -1), null);
    }

    private Stored upload(String metric, HttpEntity body, String sha256Hex) throws IOException {
        HttpPost post = new HttpPost(service.uri("/api/v1/models/" + BATCH + "/" + metric));
        post.setHeader("Content-Type", "application/octet-stream");
        post.setHeader("Content-Disposition", "attachment; filename=\"model.pkl\"");
        post.setHeader("X-Model-Metadata", "{\"benchmark\": true}");
        if (sha256Hex != null) {
            post.setHeader("X-Model-Sha256", sha256Hex);
        }
        post.setEntity(body);
        try (CloseableHttpResponse response = http.execute(post)) {
            String answer = EntityUtils.toString(response.getEntity());
            if (response.getStatusLine().getStatusCode() != 201) {
                throw new IOException("Upload to " + metric + " answered " + response.getStatusLine() + ": " + answer);
            }
            Stored stored = Stored.of(answer);
            if (sha256Hex != null && !sha256Hex.equals(stored.sha256())) {
                throw new IOException("The service stored SHA-256 " + stored.sha256() + ", not " + sha256Hex);
            }
            return stored;
        }
    }

    /**
     * Downloads the latest model and hashes it. With {@code acceptEncoding} null the service sends the original
     * bytes (decoding a compressed object itself); with {@code zstd} it sends the stored bytes and this client
     * decodes them, as a client that accepts zstd does.
     */
    Received downloadLatest(String metric, String acceptEncoding) throws IOException {
        HttpGet get = new HttpGet(latestUri(metric));
        if (acceptEncoding != null) {
            get.setHeader("Accept-Encoding", acceptEncoding);
        }
        try (CloseableHttpResponse response = http.execute(get)) {
            HttpEntity entity = response.getEntity();
            if (response.getStatusLine().getStatusCode() != 200) {
                throw new IOException("GET latest of " + metric + " answered " + response.getStatusLine() + ": "
                        + EntityUtils.toString(entity));
            }
            try (CountingInputStream wire = new CountingInputStream(entity.getContent())) {
                Header encodingHeader = response.getFirstHeader("Content-Encoding");
                String encoding = encodingHeader == null ? "identity" : encodingHeader.getValue();
                InputStream body = switch (encoding) {
                    case "identity" -> wire;
                    case "zstd" -> new ZstdInputStreamNoFinalizer(wire);
                    default -> throw new IOException("Unexpected Content-Encoding " + encoding);
                };
                Digests.Drained drained = Digests.drain(body);
                Header version = response.getFirstHeader("X-Model-Version");
                return new Received(wire.count, drained.bytes(), drained.sha256(), version == null ? null : version.getValue());
            }
        }
    }

    /** GET latest for latency: reads the body to its end (decoding it if it came zstd-encoded), returns its length. */
    long fetchLatest(URI latest, String acceptEncoding) throws IOException {
        HttpGet get = new HttpGet(latest);
        if (acceptEncoding != null) {
            get.setHeader("Accept-Encoding", acceptEncoding);
        }
        try (CloseableHttpResponse response = http.execute(get)) {
            if (response.getStatusLine().getStatusCode() != 200) {
                throw new IOException("GET " + latest + " answered " + response.getStatusLine());
            }
            Header encoding = response.getFirstHeader("Content-Encoding");
            try (InputStream wire = response.getEntity().getContent();
                 InputStream body = encoding != null && encoding.getValue().equals("zstd") ? new ZstdInputStreamNoFinalizer(wire) : wire) {
                return Digests.discard(body);
            }
        }
    }

    /**
     * A GET for the small-request rates: reads the body to its end and returns the status.
     *
     * @param ifNoneMatch an ETag to revalidate, or null
     */
    int fetchStatus(URI uri, String ifNoneMatch) throws IOException {
        HttpGet get = new HttpGet(uri);
        if (ifNoneMatch != null) {
            get.setHeader("If-None-Match", ifNoneMatch);
        }
        try (CloseableHttpResponse response = http.execute(get)) {
            if (response.getEntity() != null) {
                EntityUtils.consume(response.getEntity());
            }
            return response.getStatusLine().getStatusCode();
        }
    }

    /** The ETag a GET of {@code uri} answers with. */
    String eTag(URI uri) throws IOException {
        try (CloseableHttpResponse response = http.execute(new HttpGet(uri))) {
            EntityUtils.consume(response.getEntity());
            return response.getFirstHeader("ETag").getValue();
        }
    }

    /** A GET answered with a text body: status and body. */
    record Answer(int status, String body) {
    }

    Answer get(String pathAndQuery) throws IOException {
        try (CloseableHttpResponse response = http.execute(new HttpGet(service.uri(pathAndQuery)))) {
            return new Answer(response.getStatusLine().getStatusCode(), EntityUtils.toString(response.getEntity()));
        }
    }

    @Override
    public void close() throws IOException {
        http.close();
    }

    /** A request body copied from a stream in 64 KiB writes: fixed length when known, chunked otherwise. */
    private static final class StreamingEntity extends AbstractHttpEntity {

        private final Supplier<InputStream> source;
        private final long length;

        StreamingEntity(Supplier<InputStream> source, long length) {
            this.source = source;
            this.length = length;
            setChunked(length < 0);
            setContentType("application/octet-stream");
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }

        @Override
        public long getContentLength() {
            return length;
        }

        @Override
        public InputStream getContent() {
            return source.get();
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            try (InputStream in = source.get()) {
                byte[] buffer = new byte[COPY_BUFFER];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            }
        }

        @Override
        public boolean isStreaming() {
            return true;
        }
    }

    private static final class CountingInputStream extends FilterInputStream {

        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
