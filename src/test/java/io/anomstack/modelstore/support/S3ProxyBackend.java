package io.anomstack.modelstore.support;

import io.anomstack.modelstore.s3.EmbeddedS3Server;

import java.net.URI;
import java.nio.file.Path;

/** S3Proxy in this JVM, with files on disk or objects in memory. */
public final class S3ProxyBackend implements S3Backend {

    private final EmbeddedS3Server server;

    private S3ProxyBackend(EmbeddedS3Server server) {
        this.server = server;
    }

    public static S3ProxyBackend filesystem(Path dir) {
        return new S3ProxyBackend(EmbeddedS3Server.filesystem(dir));
    }

    public static S3ProxyBackend inMemory() {
        return new S3ProxyBackend(EmbeddedS3Server.inMemory());
    }

    @Override
    public URI endpoint() {
        return server.endpoint();
    }

    @Override
    public String accessKey() {
        return server.accessKey();
    }

    @Override
    public String secretKey() {
        return server.secretKey();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
