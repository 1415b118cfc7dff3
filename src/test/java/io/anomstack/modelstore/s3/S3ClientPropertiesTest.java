package io.anomstack.modelstore.s3;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.retries.AdaptiveRetryStrategy;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3ClientPropertiesTest {

    @Test
    void standardModeRetriesWithTheConfiguredAttempts() {
        RetryStrategy strategy = settings("standard", 7).retryStrategy();

        assertThat(strategy).isInstanceOf(StandardRetryStrategy.class);
        assertThat(strategy.maxAttempts()).isEqualTo(7);
    }

    @Test
    void adaptiveModeIsTheSdksAdaptiveStrategyWhateverTheCase() {
        RetryStrategy strategy = settings(" Adaptive ", 3).retryStrategy();

        assertThat(strategy).isInstanceOf(AdaptiveRetryStrategy.class);
        assertThat(strategy.maxAttempts()).isEqualTo(3);
    }

    @Test
    void anUnknownModeIsRefusedNamingTheVariableAndTheChoices() {
        assertThatThrownBy(() -> settings("legacy", 3)).hasMessageContaining("MODELSTORE_S3_RETRY_MODE")
                .hasMessageContaining("standard or adaptive");
    }

    @Test
    void aMaximumBackoffBelowABaseDelayIsRefused() {
        assertThatThrownBy(() -> new S3ClientProperties("standard", 3, Duration.ofMillis(100), Duration.ofSeconds(5),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(60)))
                .hasMessageContaining("MODELSTORE_S3_RETRY_MAX_BACKOFF");
    }

    @Test
    void timeoutsMustBePositive() {
        assertThatThrownBy(() -> new S3ClientProperties("standard", 3, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofSeconds(20), Duration.ZERO, Duration.ofSeconds(60)))
                .hasMessageContaining("MODELSTORE_S3_CONNECT_TIMEOUT");
    }

    private static S3ClientProperties settings(String mode, int attempts) {
        return new S3ClientProperties(mode, attempts, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(20),
                Duration.ofSeconds(5), Duration.ofSeconds(60));
    }
}
