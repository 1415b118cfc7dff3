package io.anomstack.modelstore.s3;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class LoopbackSigningTest {

    private static final SdkHttpRequest PUT = SdkHttpRequest.builder().method(SdkHttpMethod.PUT)
            .uri(URI.create("http://127.0.0.1:9000/bucket/models/b/m/model_20250131_235959.pkl")).build();

    @Test
    void appliesToPlainHttpOnLoopbackOnly() {
        assertThat(LoopbackSigning.appliesTo(URI.create("http://127.0.0.1:9000"))).isTrue();
        assertThat(LoopbackSigning.appliesTo(URI.create("http://localhost:9000"))).isTrue();
        assertThat(LoopbackSigning.appliesTo(URI.create("http://[::1]:9000"))).isTrue();
        assertThat(LoopbackSigning.appliesTo(URI.create("https://127.0.0.1:9000"))).as("HTTPS: the SDK's own choice").isFalse();
        assertThat(LoopbackSigning.appliesTo(URI.create("http://10.1.2.3:9000"))).as("another host").isFalse();
    }

    @Test
    void signsTheHeadersButNotTheBodyOverLoopbackHttp() {
        SignedRequest signed = sign(new LoopbackSigning().signer());

        assertThat(signed.request().protocol()).isEqualTo("http");
        assertThat(signed.request().firstMatchingHeader("x-amz-content-sha256")).hasValue("UNSIGNED-PAYLOAD");
        assertThat(signed.request().firstMatchingHeader("Host")).hasValue("127.0.0.1:9000");
        assertThat(signed.request().firstMatchingHeader("Authorization")).hasValueSatisfying(authorization ->
                assertThat(authorization).startsWith("AWS4-HMAC-SHA256 Credential=key/").contains("SignedHeaders=host;"));
    }

    @Test
    void theSdksOwnSignerHashesTheBodyOverPlainHttp() {
        SignedRequest signed = sign(AwsV4HttpSigner.create());

        assertThat(signed.request().firstMatchingHeader("x-amz-content-sha256")).hasValueSatisfying(hash ->
                assertThat(hash).hasSize(64).isNotEqualTo("UNSIGNED-PAYLOAD"));
    }

    private static SignedRequest sign(HttpSigner<AwsCredentialsIdentity> signer) {
        return signer.sign(r -> r.identity(AwsCredentialsIdentity.create("key", "secret"))
                .request(PUT)
                .payload(ContentStreamProvider.fromUtf8String("model bytes"))
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false));
    }
}
