package io.anomstack.modelstore.s3;

import io.anomstack.modelstore.support.SelfSignedCertificate;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SDK's Apache client over real TLS to S3Proxy, with the buffered socket factory in place of the SDK's own. */
class BufferedTlsSocketFactoryTest {

    private static final String BUCKET = "models";

    @TempDir
    static Path dir;
    private static S3Proxy proxy;
    private static SSLContext trusting;

    @BeforeAll
    static void serveHttps() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.create(dir, "ip:127.0.0.1");
        trusting = certificate.trustingContext();
        proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("transient-nio2", new Properties()))
                .secureEndpoint(URI.create("https://127.0.0.1:0"))
                .keyStore(certificate.keyStore().toString(), certificate.password())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "key", "secret")
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        try (S3Client client = client("127.0.0.1", trusting)) {
            client.createBucket(b -> b.bucket(BUCKET));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.stop();
    }

    private static S3Client client(String host, SSLContext context) {
        return S3Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("https://" + host + ":" + proxy.getSecurePort()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")))
                .httpClientBuilder(ApacheHttpClient.builder().socketFactory(new BufferedTlsSocketFactory(context)))
                .build();
    }

    @Test
    void bodiesCrossTlsWholeBothWays() {
        byte[] model = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(model);
        try (S3Client client = client("127.0.0.1", trusting)) {
            for (int i = 0; i < 3; i++) {
                String key = "b/m/model_" + i;
                client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(model));
                assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray()).isEqualTo(model);
            }
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefused() {
        try (S3Client client = client("localhost", trusting)) {
            assertThatThrownBy(() -> client.headBucket(b -> b.bucket(BUCKET)))
                    .isInstanceOf(SdkClientException.class)
                    .hasRootCauseInstanceOf(SSLPeerUnverifiedException.class);
        }
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        try (S3Client client = client("127.0.0.1", SSLContext.getDefault())) {
            assertThatThrownBy(() -> client.headBucket(b -> b.bucket(BUCKET)))
                    .isInstanceOf(SdkClientException.class)
                    .hasCauseInstanceOf(SSLHandshakeException.class);
        }
    }
}
