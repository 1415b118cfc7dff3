package io.anomstack.modelstore.support;

import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

import java.net.URI;

/**
 * LocalStack's S3 in a Docker container (Testcontainers). Only where a Docker engine is available: test
 * classes using it are annotated {@code @Testcontainers(disabledWithoutDocker = true)} so that they are
 * skipped elsewhere.
 */
public final class LocalStackBackend implements S3Backend {

    public static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.4");

    private final LocalStackContainer container;

    private LocalStackBackend(LocalStackContainer container) {
        this.container = container;
    }

    /** Starts a container with only the S3 service and returns once LocalStack reports ready. */
    public static LocalStackBackend start() {
        LocalStackContainer container = new LocalStackContainer(IMAGE).withServices("s3");
        container.start();
        return new LocalStackBackend(container);
    }

    @Override
    public URI endpoint() {
        return container.getEndpoint();
    }

    @Override
    public String accessKey() {
        return container.getAccessKey();
    }

    @Override
    public String secretKey() {
        return container.getSecretKey();
    }

    @Override
    public void close() {
        container.stop();
    }
}
