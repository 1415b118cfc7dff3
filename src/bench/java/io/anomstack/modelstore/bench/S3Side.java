package io.anomstack.modelstore.bench;

import io.anomstack.modelstore.s3.LoopbackSigning;
import io.anomstack.modelstore.support.SelfSignedCertificate;
import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The S3 side of the benchmark: S3Proxy with its filesystem backend on a scratch directory, in this JVM, and the
 * AWS SDK v2 client a trainer or scorer would use against it directly. Every authenticated S3 request S3Proxy
 * handles asks its blob store locator for the store of the request's bucket and key, once: counting those calls
 * counts the S3 requests it answers, whoever sent them, by the object they named.
 */
final class S3Side implements AutoCloseable {

    static final String BUCKET = "bench-models";

    private final S3Proxy proxy;
    private final List<String> trustArguments;
    private final String accessKey;
    private final String secretKey;
    private final S3Client client;
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();

    private S3Side(S3Proxy proxy, List<String> trustArguments, BlobStore store, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.trustArguments = trustArguments;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        proxy.setBlobStoreLocator((identity, container, blob) -> {
            requests.computeIfAbsent(kindOf(container, blob), k -> new LongAdder()).increment();
            return accessKey.equals(identity) ? new AccessGrant(secretKey, store) : null;
        });
        this.client = clientFor(endpoint());
    }

    /**
     * A client of S3Proxy through {@code endpoint} (S3Proxy itself, or a link in front of it), configured like the
     * service's own client (S3StorageConfiguration), with the SDK's defaults otherwise, except that responses are not
     * checked a second time: the benchmark hashes every download itself.
     */
    S3Client clientFor(URI endpoint) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(64)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)));
        if (LoopbackSigning.appliesTo(endpoint)) {
            builder.putAuthScheme(new LoopbackSigning());
        }
        return builder.build();
    }

    /** @param https serve HTTPS only, with a self-signed certificate for 127.0.0.1 that this JVM then trusts */
    static S3Side start(Path dataDir, boolean https) throws Exception {
        Files.createDirectories(dataDir);
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().toString());
        SecureRandom random = new SecureRandom();
        String accessKey = "bench-" + hex(random, 6);
        String secretKey = hex(random, 20);
        BlobStore store = BlobStores.create("filesystem-nio2", properties);
        S3Proxy.Builder builder = S3Proxy.builder()
                .blobStore(store)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey);
        List<String> trustArguments = List.of();
        if (https) {
            SelfSignedCertificate certificate = SelfSignedCertificate.create(dataDir.resolveSibling("tls"), "ip:127.0.0.1");
            trustArguments = certificate.trustArguments();
            builder.secureEndpoint(URI.create("https://127.0.0.1:0"))
                    .keyStore(certificate.keyStore().toString(), certificate.password());
            // The direct client's default SSL context reads these when it is first made.
            certificate.trustProperties().forEach(System::setProperty);
        } else {
            builder.endpoint(URI.create("http://127.0.0.1:0"));
        }
        S3Proxy proxy = builder.build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        S3Side side = new S3Side(proxy, trustArguments, store, accessKey, secretKey);
        side.client.createBucket(b -> b.bucket(BUCKET));
        return side;
    }

    URI endpoint() {
        return proxy.getSecurePort() > 0 ? URI.create("https://127.0.0.1:" + proxy.getSecurePort())
                : URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** JVM options that make another JVM trust this S3Proxy's certificate; empty over plain HTTP. */
    List<String> trustArguments() {
        return trustArguments;
    }

    String accessKey() {
        return accessKey;
    }

    String secretKey() {
        return secretKey;
    }

    S3Client client() {
        return client;
    }

    /** S3 requests answered so far, by what they named: the bucket alone (listings), or a kind of object. */
    RequestStats requests() {
        Map<String, Long> counts = new TreeMap<>();
        requests.forEach((kind, n) -> counts.put(kind, n.sum()));
        return new RequestStats(counts);
    }

    private static String kindOf(String container, String blob) {
        if (blob == null || blob.isEmpty()) {
            return container == null ? "service" : "bucket (list)";
        }
        String name = blob.substring(blob.lastIndexOf('/') + 1);
        if (name.equals("_latest.json")) {
            return "_latest.json";
        }
        if (name.startsWith("metadata_")) {
            return "metadata_*.json";
        }
        if (name.startsWith("model_") || blob.startsWith("direct/")) {
            return "model";
        }
        return "other";
    }

    /** Request counts by what they named. */
    record RequestStats(Map<String, Long> counts) {

        /** What happened between {@code before} and this. */
        RequestStats since(RequestStats before) {
            Map<String, Long> c = new TreeMap<>();
            counts.forEach((kind, n) -> {
                long d = n - before.counts.getOrDefault(kind, 0L);
                if (d != 0) {
                    c.put(kind, d);
                }
            });
            return new RequestStats(c);
        }

        long total() {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }

        /** {@code _latest.json ×1, model ×1}, or {@code none}. */
        String describe() {
            if (counts.isEmpty()) {
                return "none";
            }
            StringBuilder text = new StringBuilder();
            counts.forEach((kind, n) -> text.append(text.isEmpty() ? "" : ", ").append(kind).append(" ×").append(n));
            return text.toString();
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
    }

    private static String hex(SecureRandom random, int bytes) {
        byte[] buffer = new byte[bytes];
        random.nextBytes(buffer);
        return HexFormat.of().formatHex(buffer);
    }
}
