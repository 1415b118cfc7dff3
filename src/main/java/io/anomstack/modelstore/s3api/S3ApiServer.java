package io.anomstack.modelstore.s3api;

import io.anomstack.modelstore.security.Caller;
import io.anomstack.modelstore.security.Role;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The S3 listener: S3Proxy's protocol front end (SigV4, aws-chunked bodies, the XML) over {@link CatalogBlobStore}.
 * Signed requests are verified against the configured S3 keys; without keys, in local mode it listens on loopback
 * only and lets every caller in, whatever credentials it signs with, as the REST API lets loopback callers in, and with
 * {@code allow-anonymous} it lets every caller in wherever it listens.
 * The port it got is published as {@code local.s3-api.port}.
 */
final class S3ApiServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(S3ApiServer.class);
    static final String PORT_PROPERTY = "local.s3-api.port";
    private static final String LOOPBACK = "127.0.0.1";
    /** Requests served at once: each may hold a buffered body of up to max-buffered-body. */
    private static final int THREADS = 32;

    private final S3ApiProperties properties;
    private final S3Models models;
    private final S3KeyLocator keys;
    private final Access access;
    private final ConfigurableEnvironment environment;
    private volatile S3Proxy proxy;

    /** Who is let in. */
    enum Access {
        /** Requests signed with a configured S3 key. */
        SIGNED,
        /** Every caller, whatever it signs with, on loopback only (local mode without S3 keys). */
        LOOPBACK,
        /** Every caller, whatever it signs with ({@code allow-anonymous} without S3 keys). */
        ANONYMOUS
    }

    S3ApiServer(S3ApiProperties properties, S3Models models, S3KeyLocator keys, Access access,
                ConfigurableEnvironment environment) {
        this.properties = properties;
        this.models = models;
        this.keys = keys;
        this.access = access;
        this.environment = environment;
    }

    @Override
    public void start() {
        boolean open = access != Access.SIGNED;
        String address = properties.address() != null ? properties.address()
                : access == Access.LOOPBACK ? LOOPBACK : "0.0.0.0";
        if (access == Access.LOOPBACK && !isLoopback(address)) {
            throw new IllegalStateException("MODELSTORE_S3API_ADDRESS=" + address + " is not a loopback address, but "
                    + "no S3 keys are configured: configure modelstore.security.s3-keys, or keep the S3 API on loopback.");
        }
        S3Proxy.Builder builder = S3Proxy.builder()
                .endpoint(URI.create("http://" + address + ":" + properties.port()))
                .ignoreUnknownHeaders(true)
                .jettyMaxThreads(THREADS)
                .v4MaxNonChunkedRequestSize(properties.maxBufferedBody().toBytes());
        if (open) {
            builder.blobStore(new CatalogBlobStore(models, models.callerOf(new Caller("anonymous", Role.ADMIN, List.of("*")))))
                    .awsAuthentication(AuthenticationType.NONE, null, null);
        } else {
            // Unsigned requests meet this store: it grants nothing, so they are answered AccessDenied.
            builder.blobStore(new CatalogBlobStore(models, models.callerOf(new Caller("unauthenticated", null, List.of()))))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "unused-" + randomHex(), randomHex());
        }
        S3Proxy started = builder.build();
        if (!open) {
            started.setBlobStoreLocator(keys);
        }
        try {
            started.start();
            while (!"STARTED".equals(started.getState())) {
                if ("FAILED".equals(started.getState())) {
                    throw new IllegalStateException("state FAILED");
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the S3 API", e);
        } catch (Exception e) {
            throw new IllegalStateException("The S3 API could not listen on " + address + ":" + properties.port() + ": "
                    + e.getMessage() + " (set MODELSTORE_S3API_PORT, or MODELSTORE_S3API_ENABLED=false)", e);
        }
        proxy = started;
        environment.getPropertySources().addFirst(new MapPropertySource("s3-api", Map.of(PORT_PROPERTY, started.getPort())));
        log.info("S3 API on http://{}:{}: bucket '{}', models under '{}' ({})", address, started.getPort(),
                models.bucket(), models.keys().prefix(), switch (access) {
                    case SIGNED -> "SigV4 with the configured S3 keys";
                    case LOOPBACK -> "local mode: loopback only, any credentials";
                    case ANONYMOUS -> "allow-anonymous: any caller, any credentials";
                });
    }

    @Override
    public void stop() {
        S3Proxy running = proxy;
        proxy = null;
        if (running != null) {
            try {
                running.stop();
            } catch (Exception e) {
                log.warn("The S3 API did not stop cleanly: {}", e.getMessage());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return proxy != null;
    }

    /** The port it listens on, or -1 when stopped. */
    int port() {
        S3Proxy running = proxy;
        return running == null ? -1 : running.getPort();
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String randomHex() {
        byte[] bytes = new byte[20];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
