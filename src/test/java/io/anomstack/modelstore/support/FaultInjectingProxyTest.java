package io.anomstack.modelstore.support;

import io.anomstack.modelstore.support.FaultInjectingProxy.Fault;
import io.anomstack.modelstore.support.FaultInjectingProxy.Rule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy's faults look to the AWS SDK exactly like S3's own answers and failures. */
class FaultInjectingProxyTest {

    private static S3ProxyBackend backend;
    private static FaultInjectingProxy proxy;

    @BeforeAll
    static void start() {
        backend = S3ProxyBackend.inMemory();
        backend.createBucket("proxied");
        proxy = FaultInjectingProxy.start(backend.endpoint(), 1);
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        backend.close();
    }

    @Test
    void injectedErrorsAreS3ErrorDocumentsAndTheRestPassesThrough() {
        try (S3Client s3 = clientWithoutRetries()) {
            s3.putObject(b -> b.bucket("proxied").key("k"), RequestBody.fromString("model"));

            proxy.rules(Rule.of(Fault.SLOW_DOWN, 1.0).when(request -> "GET".equals(request.method())));
            assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("proxied").key("k")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(503);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
                    });
            proxy.rules(Rule.of(Fault.INTERNAL_ERROR, 1.0));
            assertThatThrownBy(() -> s3.headObject(b -> b.bucket("proxied").key("k")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(500));
            proxy.rules();

            assertThat(s3.getObjectAsBytes(b -> b.bucket("proxied").key("k")).asUtf8String()).isEqualTo("model");
            assertThat(proxy.injected(Fault.SLOW_DOWN)).isEqualTo(1);
            assertThat(proxy.injected(Fault.INTERNAL_ERROR)).isEqualTo(1);
        }
    }

    @Test
    void aRefusingProxyIsAnS3ThatIsDownUntilItAcceptsAgainOnTheSamePort() throws IOException {
        try (S3Client s3 = clientWithoutRetries()) {
            proxy.refuse();
            assertThatThrownBy(() -> s3.headBucket(b -> b.bucket("proxied"))).isInstanceOf(SdkClientException.class)
                    .hasMessageContaining("Connect");

            proxy.accept();
            assertThat(s3.headBucket(b -> b.bucket("proxied")).sdkHttpResponse().isSuccessful()).isTrue();
        }
    }

    private static S3Client clientWithoutRetries() {
        return S3Client.builder()
                .endpointOverride(proxy.endpoint())
                .forcePathStyle(true)
                .region(Region.of(S3Backend.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(backend.accessKey(),
                        backend.secretKey())))
                .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1))
                        .apiCallTimeout(Duration.ofSeconds(20)))
                .build();
    }
}
