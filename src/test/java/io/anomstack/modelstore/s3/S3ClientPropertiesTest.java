package io.anomstack.modelstore.s3;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.AdaptiveRetryStrategy;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.SocketTimeoutException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3ClientPropertiesTest {

    @Test
    void standardModeRetriesWithTheConfiguredAttempts() {
        RetryStrategy strategy = settings("standard", 7).retryStrategy();

        assertThat(strategy.toBuilder().build()).isInstanceOf(StandardRetryStrategy.class);
        assertThat(strategy.maxAttempts()).isEqualTo(7);
    }

    @Test
    void adaptiveModeIsTheSdksAdaptiveStrategyWhateverTheCase() {
        RetryStrategy strategy = settings(" Adaptive ", 3).retryStrategy();

        assertThat(strategy.toBuilder().build()).isInstanceOf(AdaptiveRetryStrategy.class);
        assertThat(strategy.maxAttempts()).isEqualTo(3);
    }

    @Test
    void aRequestThatTimedOutTwiceIsNotRetriedAgainWhileOtherFailuresGetEveryAttempt() {
        RetryStrategy strategy = settings("standard", 5).retryStrategy();
        SdkClientException silent = SdkClientException.create("Unable to execute HTTP request: Read timed out",
                new SocketTimeoutException("Read timed out"));

        RetryToken token = strategy.acquireInitialToken(AcquireInitialTokenRequest.create("s3")).token();
        token = strategy.refreshRetryToken(RefreshRetryTokenRequest.builder().token(token).failure(silent).build()).token();
        RetryToken afterOneTimeout = token;
        assertThatThrownBy(() -> strategy.refreshRetryToken(RefreshRetryTokenRequest.builder().token(afterOneTimeout)
                .failure(silent).build())).isInstanceOf(TokenAcquisitionFailedException.class);

        S3Exception unavailable = (S3Exception) S3Exception.builder().statusCode(500).message("InternalError").build();
        RetryToken other = strategy.acquireInitialToken(AcquireInitialTokenRequest.create("s3")).token();
        for (int retry = 1; retry < 5; retry++) {
            other = strategy.refreshRetryToken(RefreshRetryTokenRequest.builder().token(other).failure(unavailable).build())
                    .token();
        }
        RetryToken last = other;
        assertThatThrownBy(() -> strategy.refreshRetryToken(RefreshRetryTokenRequest.builder().token(last)
                .failure(unavailable).build())).isInstanceOf(TokenAcquisitionFailedException.class);
    }

    @Test
    void anUnknownModeIsRefusedNamingTheVariableAndTheChoices() {
        assertThatThrownBy(() -> settings("legacy", 3)).hasMessageContaining("MODELSTORE_S3_RETRY_MODE")
                .hasMessageContaining("standard or adaptive");
    }

    @Test
    void aMaximumBackoffBelowABaseDelayIsRefused() {
        assertThatThrownBy(() -> new S3ClientProperties("standard", 3, Duration.ofMillis(100), Duration.ofSeconds(5),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), 2))
                .hasMessageContaining("MODELSTORE_S3_RETRY_MAX_BACKOFF");
    }

    @Test
    void timeoutsMustBePositive() {
        assertThatThrownBy(() -> new S3ClientProperties("standard", 3, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofSeconds(20), Duration.ZERO, Duration.ofSeconds(10), 2))
                .hasMessageContaining("MODELSTORE_S3_CONNECT_TIMEOUT");
    }

    private static S3ClientProperties settings(String mode, int attempts) {
        return new S3ClientProperties(mode, attempts, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(20),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 2);
    }
}
