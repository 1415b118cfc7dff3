package io.anomstack.modelstore.s3;

import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.utils.http.SdkHttpUtils;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;

/**
 * SigV4 for an S3 endpoint on this host over plain HTTP, signed as the SDK signs for HTTPS: headers signed, the body
 * sent unsigned with its CRC32 trailer. Over plain HTTP the SDK otherwise signs every body chunk, a second SHA-256
 * pass over each model on top of the service's own; on loopback no one can tamper with the bytes in between, and the
 * trailer and the end-to-end SHA-256 still catch corruption. Endpoints elsewhere keep the SDK's own choice.
 */
public final class LoopbackSigning implements AwsV4AuthScheme {

    private final AwsV4HttpSigner signer = new Signer(AwsV4HttpSigner.create());

    /** Whether requests to {@code endpoint} may go with unsigned bodies: plain HTTP to a loopback address. */
    public static boolean appliesTo(URI endpoint) {
        if (!"http".equalsIgnoreCase(endpoint.getScheme()) || endpoint.getHost() == null) {
            return false;
        }
        try {
            return InetAddress.getByName(endpoint.getHost()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String schemeId() {
        return SCHEME_ID;
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
        return providers.identityProvider(AwsCredentialsIdentity.class);
    }

    @Override
    public AwsV4HttpSigner signer() {
        return signer;
    }

    private record Signer(AwsV4HttpSigner delegate) implements AwsV4HttpSigner {

        @Override
        public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
            SdkHttpRequest http = request.request();
            SignedRequest signed = delegate.sign(request.copy(r -> r.request(asHttps(http))));
            return signed.copy(s -> s.request(signed.request().toBuilder().protocol(http.protocol()).build()));
        }

        @Override
        public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
            SdkHttpRequest http = request.request();
            return delegate.signAsync(request.copy(r -> r.request(asHttps(http)))).thenApply(signed ->
                    signed.copy(s -> s.request(signed.request().toBuilder().protocol(http.protocol()).build())));
        }

        /** The request as if sent over HTTPS, with the Host header it really goes with (the port is not HTTPS's). */
        private static SdkHttpRequest asHttps(SdkHttpRequest http) {
            String host = SdkHttpUtils.isUsingStandardPort(http.protocol(), http.port())
                    ? http.host() : http.host() + ":" + http.port();
            return http.toBuilder().protocol("https").putHeader("Host", host).build();
        }
    }
}
