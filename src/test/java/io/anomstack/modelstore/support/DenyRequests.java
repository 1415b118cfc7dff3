package io.anomstack.modelstore.support;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Answers the requests of one type (every request with {@code S3Request.class}) with 403 AccessDenied, as S3 does
 * for an identity without the permission; for clients built with {@link S3Backend#client(java.util.List)}.
 */
public record DenyRequests(Class<?> requestType) implements ExecutionInterceptor {

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (requestType.isInstance(context.request())) {
            throw S3Exception.builder().statusCode(403).message("Access Denied (injected by the test)")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("Access Denied")
                            .serviceName("S3").build())
                    .build();
        }
    }
}
