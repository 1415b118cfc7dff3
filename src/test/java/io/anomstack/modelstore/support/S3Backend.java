package io.anomstack.modelstore.support;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real S3 protocol server the tests run the service against and inspect directly. */
public interface S3Backend extends AutoCloseable {

    String REGION = "us-east-1";

    URI endpoint();

    String accessKey();

    String secretKey();

    /** Creates a fresh bucket for one test class and returns its name. */
    default String createBucket(String name) {
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(name));
        }
        return name;
    }

    /** A client for looking at the bucket directly, past the service; close it after use. */
    default S3Client client() {
        return client(List.of());
    }

    /** The same, its requests passing {@code interceptors} first (to deny or fail some of them). */
    default S3Client client(List<ExecutionInterceptor> interceptors) {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey(), secretKey())))
                .overrideConfiguration(c -> interceptors.forEach(c::addExecutionInterceptor))
                .build();
    }

    /** Multipart uploads under {@code prefix} that were started and neither completed nor aborted. */
    default int multipartUploads(String bucket, String prefix) {
        try (S3Client s3 = client()) {
            return s3.listMultipartUploads(b -> b.bucket(bucket).prefix(prefix)).uploads().size();
        }
    }

    /** Waits up to a minute until {@code count} multipart uploads are in progress under {@code prefix}. */
    default void awaitMultipartUploads(String bucket, String prefix, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (multipartUploads(bucket, prefix) < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " multipart uploads in progress under " + prefix);
            }
            Thread.sleep(100);
        }
    }

    /**
     * The service settings that point it at this backend and bucket. Anonymous callers may do everything: the
     * tests that are not about security need no keys (SecurityIT is about them).
     */
    default Map<String, Object> serviceProperties(String bucket) {
        return Map.of(
                "modelstore.security.allow-anonymous", "true",
                "modelstore.s3.bucket", bucket,
                "modelstore.s3.endpoint", endpoint().toString(),
                "modelstore.s3.region", REGION,
                "spring.cloud.aws.credentials.access-key", accessKey(),
                "spring.cloud.aws.credentials.secret-key", secretKey());
    }
}
