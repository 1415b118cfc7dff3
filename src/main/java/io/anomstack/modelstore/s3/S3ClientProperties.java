package io.anomstack.modelstore.s3;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

import java.time.Duration;
import java.util.Locale;

/**
 * How the S3 client retries and how long it waits, bound from {@code modelstore.s3.client.*}. Every S3 request the
 * service makes is retried by the AWS SDK with these settings before its failure reaches a caller (as a 503). With the
 * defaults a silent (hung) S3 fails a request within about 20s: two attempts of a 10s silence bound. No request has a
 * total or per-attempt time limit, which would cut large part uploads and downloads on slow links.
 *
 * @param retryMode           {@code standard} (default: exponential backoff with jitter, a retry quota that stops
 *                            retrying when most requests fail) or {@code adaptive} (standard, and a client-side rate
 *                            limit that slows the client down while S3 throttles) ({@code MODELSTORE_S3_RETRY_MODE})
 * @param maxAttempts         attempts per request, the first included, 1–20 (default 5; the SDK's own default is 3,
 *                            too few to ride out a burst of S3 SlowDown answers) ({@code MODELSTORE_S3_MAX_ATTEMPTS})
 * @param baseDelay           backoff before the first retry of a transient error; it doubles per attempt, with jitter
 *                            (default 100ms) ({@code MODELSTORE_S3_RETRY_BASE_DELAY})
 * @param throttlingBaseDelay the same for throttling answers (503 SlowDown, 429), which ask the client to slow down
 *                            (default 1s) ({@code MODELSTORE_S3_RETRY_THROTTLING_BASE_DELAY})
 * @param maxBackoff          longest wait between two attempts (default 20s) ({@code MODELSTORE_S3_RETRY_MAX_BACKOFF})
 * @param connectTimeout      how long opening a connection to S3 may take (default 5s) ({@code MODELSTORE_S3_CONNECT_TIMEOUT})
 * @param readTimeout         the silence bound: how long S3 may send nothing while the service waits for its answer or
 *                            the next bytes of a body (the socket's read timeout, per read). Not a limit on a request's
 *                            duration: a part upload or download whose bytes keep flowing, however slowly, is never cut.
 *                            The time the link takes to drain an upload's last bytes from the socket's send buffer
 *                            counts as silence: raise it if part uploads over a very slow link time out (default 10s)
 *                            ({@code MODELSTORE_S3_READ_TIMEOUT})
 * @param timeoutAttempts     attempts of a request that time out (silence bound or connect timeout) before it fails,
 *                            1–20; {@code maxAttempts} still caps all attempts (default 2: one retry, enough when a
 *                            single connection was stuck; a hung S3 then fails a request after about 2 ×
 *                            {@code readTimeout} = 20s, not {@code maxAttempts} × {@code readTimeout} = 50s)
 *                            ({@code MODELSTORE_S3_TIMEOUT_ATTEMPTS})
 */
@Validated
@ConfigurationProperties("modelstore.s3.client")
public record S3ClientProperties(
        @NotNull @DefaultValue("standard") String retryMode,
        @Min(1) @Max(20) @DefaultValue("5") int maxAttempts,
        @NotNull @DefaultValue("100ms") Duration baseDelay,
        @NotNull @DefaultValue("1s") Duration throttlingBaseDelay,
        @NotNull @DefaultValue("20s") Duration maxBackoff,
        @NotNull @DefaultValue("5s") Duration connectTimeout,
        @NotNull @DefaultValue("10s") Duration readTimeout,
        @Min(1) @Max(20) @DefaultValue("2") int timeoutAttempts) {

    public S3ClientProperties {
        retryMode = retryMode == null ? null : retryMode.trim().toLowerCase(Locale.ROOT);
        if (retryMode != null && !retryMode.equals("standard") && !retryMode.equals("adaptive")) {
            throw new IllegalArgumentException("MODELSTORE_S3_RETRY_MODE '" + retryMode + "' is not a retry mode; use "
                    + "standard or adaptive.");
        }
        if (baseDelay != null && throttlingBaseDelay != null && maxBackoff != null
                && (baseDelay.isNegative() || throttlingBaseDelay.isNegative() || maxBackoff.compareTo(baseDelay) < 0
                || maxBackoff.compareTo(throttlingBaseDelay) < 0)) {
            throw new IllegalArgumentException("MODELSTORE_S3_RETRY_MAX_BACKOFF must be at least "
                    + "MODELSTORE_S3_RETRY_BASE_DELAY and MODELSTORE_S3_RETRY_THROTTLING_BASE_DELAY, none negative.");
        }
        if (connectTimeout != null && readTimeout != null && (connectTimeout.isZero() || connectTimeout.isNegative() || readTimeout.isZero() || readTimeout.isNegative())) {
            throw new IllegalArgumentException("MODELSTORE_S3_CONNECT_TIMEOUT and MODELSTORE_S3_READ_TIMEOUT must be positive.");
        }
    }

    /**
     * The SDK's retry strategy of the mode, with the AWS retry conditions (throttling codes, 5xx, I/O errors), giving
     * up after {@code timeoutAttempts} timed-out attempts.
     */
    public RetryStrategy retryStrategy() {
        RetryStrategy.Builder<?, ?> builder = "adaptive".equals(retryMode)
                ? AwsRetryStrategy.adaptiveRetryStrategy().toBuilder()
                : AwsRetryStrategy.standardRetryStrategy().toBuilder();
        return new TimeoutLimitingRetryStrategy(builder.maxAttempts(maxAttempts)
                .backoffStrategy(BackoffStrategy.exponentialDelay(baseDelay, maxBackoff))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(throttlingBaseDelay, maxBackoff))
                .build(), timeoutAttempts);
    }
}
