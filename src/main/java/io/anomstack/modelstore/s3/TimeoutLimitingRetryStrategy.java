package io.anomstack.modelstore.s3;

import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * The SDK's retry strategy, except that a request gives up after {@code timeoutAttempts} attempts that timed out. Each
 * such attempt costs a whole silence bound (or connect timeout): five of them would hold a request for most of a
 * minute on a hung S3, while one retry is all it takes when only a connection was stuck. Other failures (5xx,
 * throttling, cut connections) keep every attempt of the strategy below.
 */
final class TimeoutLimitingRetryStrategy implements RetryStrategy {

    private final RetryStrategy delegate;
    private final int timeoutAttempts;

    TimeoutLimitingRetryStrategy(RetryStrategy delegate, int timeoutAttempts) {
        this.delegate = delegate;
        this.timeoutAttempts = timeoutAttempts;
    }

    /** The strategy's own token and the timeouts the request has had so far. */
    private record Token(RetryToken inner, int timeouts) implements RetryToken {
    }

    @Override
    public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
        AcquireInitialTokenResponse response = delegate.acquireInitialToken(request);
        return AcquireInitialTokenResponse.create(new Token(response.token(), 0), response.delay());
    }

    @Override
    public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
        Token token = (Token) request.token();
        int timeouts = token.timeouts() + (S3Errors.isTimeout(request.failure()) ? 1 : 0);
        if (timeouts >= timeoutAttempts) {
            throw new TokenAcquisitionFailedException("S3 timed out on " + timeouts + " attempt(s): not retried again",
                    token, request.failure());
        }
        RefreshRetryTokenResponse response = delegate.refreshRetryToken(request.toBuilder().token(token.inner()).build());
        return RefreshRetryTokenResponse.create(new Token(response.token(), timeouts), response.delay());
    }

    @Override
    public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
        Token token = (Token) request.token();
        delegate.recordSuccess(RecordSuccessRequest.create(token.inner()));
        return RecordSuccessResponse.create(token);
    }

    @Override
    public int maxAttempts() {
        return delegate.maxAttempts();
    }

    /** The builder of the strategy below: the SDK only rebuilds its own default strategy, never a configured one. */
    @Override
    public Builder<?, ?> toBuilder() {
        return delegate.toBuilder();
    }
}
