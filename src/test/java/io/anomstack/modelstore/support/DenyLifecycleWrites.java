package io.anomstack.modelstore.support;

import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.PutBucketLifecycleConfigurationRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Answers PutBucketLifecycleConfiguration with 403 AccessDenied, as S3 does for an identity without the permission. */
public class DenyLifecycleWrites implements ExecutionInterceptor {

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof PutBucketLifecycleConfigurationRequest) {
            throw S3Exception.builder()
                    .statusCode(403)
                    .message("Access Denied (injected by the test)")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("Access Denied")
                            .serviceName("S3").build())
                    .build();
        }
    }

    /**
     * Adds the denial to a service started with {@link RunningService#start}. Deliberately not a
     * {@code @Configuration}: component scanning would then add it to every service the tests start.
     */
    public static class Registration {

        @Bean
        DenyLifecycleWrites denyLifecycleWrites() {
            return new DenyLifecycleWrites();
        }
    }
}
