package io.anomstack.modelstore.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One S3Mock process for a whole test class, with a client to look at it directly:
 * {@code @RegisterExtension static final S3MockServer S3MOCK = new S3MockServer();}.
 */
public final class S3MockServer implements BeforeAllCallback, AfterAllCallback {

    private S3MockBackend backend;
    private S3Client client;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        backend = S3MockBackend.start();
        client = backend.client();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            client.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    public S3MockBackend backend() {
        return backend;
    }

    public S3Client client() {
        return client;
    }
}
