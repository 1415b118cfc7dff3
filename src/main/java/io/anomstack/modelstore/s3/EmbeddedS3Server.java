package io.anomstack.modelstore.s3;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;

/**
 * An S3 protocol server inside this JVM (S3Proxy), bound to 127.0.0.1 on a free port with credentials
 * generated at start. Local mode stores models through it exactly as it would in Amazon S3.
 */
public final class EmbeddedS3Server implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final S3Proxy proxy;
    private final String accessKey;
    private final String secretKey;

    private EmbeddedS3Server(S3Proxy proxy, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** A server that keeps objects as files under {@code dataDir} (the directory needs user xattrs). */
    public static EmbeddedS3Server filesystem(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the local data directory " + dataDir.toAbsolutePath(), e);
        }
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().normalize().toString());
        return start("filesystem-nio2", properties);
    }

    /** A server that keeps objects in memory only; it supports bucket versioning. */
    public static EmbeddedS3Server inMemory() {
        return start("transient-nio2", new Properties());
    }

    private static EmbeddedS3Server start(String provider, Properties properties) {
        String accessKey = "local-" + randomHex(8);
        String secretKey = randomHex(20);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(BlobStores.create(provider, properties))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // S3 takes headers S3Proxy does not know, such as a session token's x-amz-security-token: so does this.
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the embedded S3 server", e);
        } catch (Exception e) {
            throw new IllegalStateException("The embedded S3 server did not start: " + e.getMessage(), e);
        }
        return new EmbeddedS3Server(proxy, accessKey, secretKey);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }

    private static String randomHex(int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return HexFormat.of().formatHex(buffer);
    }
}
