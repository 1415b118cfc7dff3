package io.anomstack.modelstore.support;

import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** Makes S3 fail the second part of every multipart upload, as a network failure mid-upload would. */
public class FailingUploadPart implements ExecutionInterceptor {

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof UploadPartRequest part && part.partNumber() == 2) {
            throw SdkClientException.create("Connection reset (injected by the test)");
        }
    }

    /**
     * Adds the failure to a service started with {@link RunningService#start}. Deliberately not a
     * {@code @Configuration}: component scanning would then add it to every service the tests start.
     */
    public static class Registration {

        @Bean
        FailingUploadPart failingUploadPart() {
            return new FailingUploadPart();
        }
    }
}
