package io.anomstack.modelstore.s3;

import io.anomstack.modelstore.catalog.StoreAccessException;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3CircuitBreakerTest {

    private long now;
    private final AtomicInteger sent = new AtomicInteger();
    private final S3CircuitBreaker breaker = new S3CircuitBreaker("S3 (region us-east-1)",
            new CircuitBreakerProperties(true, 3, Duration.ofSeconds(30), Duration.ofSeconds(10)), () -> now);

    @Test
    void opensAfterTheConfiguredFailuresInARowAndThenRejectsWithoutSendingAnything() {
        fail(3);

        assertThat(breaker.state()).isEqualTo(S3CircuitBreaker.State.OPEN);
        int before = sent.get();
        assertThatThrownBy(this::succeed).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("S3 (region us-east-1) is unavailable").hasMessageContaining("Retry in 10 seconds");
        assertThat(sent.get()).isEqualTo(before);
        assertThat(breaker.rejected()).isEqualTo(1);
    }

    @Test
    void theRetryAfterOfARejectionIsTheRestOfTheCoolDown() {
        fail(3);
        now += Duration.ofSeconds(7).toNanos();

        assertThatThrownBy(this::succeed).isInstanceOfSatisfying(StoreUnavailableException.class,
                e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
    }

    @Test
    void aRejectionTellsTheSameWholeSecondsInItsMessageAsInItsRetryAfterRoundedUp() {
        fail(3);
        now += Duration.ofMillis(7_500).toNanos();

        assertThatThrownBy(this::succeed).isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
            assertThat(e.retryAfterSeconds()).isEqualTo(3);
            assertThat(e.getMessage()).contains("Retry in 3 seconds");
        });
    }

    @Test
    void aSuccessInBetweenResetsTheRun() {
        fail(2);
        succeed();
        fail(2);

        assertThat(breaker.state()).isEqualTo(S3CircuitBreaker.State.CLOSED);
    }

    @Test
    void failuresSpreadWiderThanTheWindowDoNotOpenIt() {
        fail(2);
        now += Duration.ofSeconds(31).toNanos();
        fail(1);

        assertThat(breaker.state()).isEqualTo(S3CircuitBreaker.State.CLOSED);
        fail(2);
        assertThat(breaker.state()).isEqualTo(S3CircuitBreaker.State.OPEN);
    }

    @Test
    void answersOtherThanUnavailableMeanS3IsUp() {
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> breaker.call(() -> {
                throw new StoreAccessException("403", null);
            })).isInstanceOf(StoreAccessException.class);
        }

        assertThat(breaker.state()).isEqualTo(S3CircuitBreaker.State.CLOSED);
    }

    @Test
    void afterTheCoolDownOneProbeGoesThroughAndItsSuccessClosesTheBreaker() {
        fail(3);
        now += Duration.ofSeconds(10).toNanos();

        assertThat(breaker.state()).isEqualTo(S3CircuitBreaker.State.HALF_OPEN);
        String answer = breaker.call(() -> {
            // While the probe is out, everybody else still fails fast.
            assertThatThrownBy(this::succeed).isInstanceOf(StoreUnavailableException.class);
            return "probe";
        });

        assertThat(answer).isEqualTo("probe");
        assertThat(breaker.state()).isEqualTo(S3CircuitBreaker.State.CLOSED);
        assertThat(breaker.problem()).isNull();
        succeed();
    }

    @Test
    void aFailedProbeOpensTheBreakerForAnotherCoolDown() {
        fail(3);
        now += Duration.ofSeconds(10).toNanos();
        fail(1);

        assertThat(breaker.state()).isEqualTo(S3CircuitBreaker.State.OPEN);
        now += Duration.ofSeconds(9).toNanos();
        assertThat(breaker.state()).isEqualTo(S3CircuitBreaker.State.OPEN);
        now += Duration.ofSeconds(1).toNanos();
        assertThat(breaker.state()).isEqualTo(S3CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void aRequestS3StayedSilentOnOpensItAtOnce() {
        assertThatThrownBy(() -> breaker.call(() -> {
            throw new StoreUnavailableException("S3 could not be reached (Read timed out)",
                    SdkClientException.create("Unable to execute HTTP request", new SocketTimeoutException("Read timed out")));
        })).isInstanceOf(StoreUnavailableException.class);

        assertThat(breaker.state()).isEqualTo(S3CircuitBreaker.State.OPEN);
        assertThatThrownBy(this::succeed).hasMessageContaining("Retry in 10 seconds");
    }

    @Test
    void aDisabledBreakerNeverRejects() {
        S3CircuitBreaker disabled = new S3CircuitBreaker("S3", new CircuitBreakerProperties(false, 1,
                Duration.ofSeconds(30), Duration.ofSeconds(10)), () -> now);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> disabled.call(() -> {
                throw new StoreUnavailableException("down", null);
            })).hasMessage("down");
        }
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertThatThrownBy(() -> breaker.call(() -> {
                sent.incrementAndGet();
                throw new StoreUnavailableException("S3 could not be reached", null);
            })).hasMessage("S3 could not be reached");
        }
    }

    private String succeed() {
        return breaker.call(() -> {
            sent.incrementAndGet();
            return "ok";
        });
    }
}
