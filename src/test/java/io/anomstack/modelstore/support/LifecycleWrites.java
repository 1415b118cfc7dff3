package io.anomstack.modelstore.support;

import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.PutBucketLifecycleConfigurationRequest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records the lifecycle configurations the service sends, as sent: a server may store less of them than it was given
 * (S3Mock drops tag filters).
 */
public class LifecycleWrites implements ExecutionInterceptor {

    private final List<PutBucketLifecycleConfigurationRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof PutBucketLifecycleConfigurationRequest put) {
            requests.add(put);
        }
    }

    public List<PutBucketLifecycleConfigurationRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * Adds the recorder to a service started with {@link RunningService#start}. Deliberately not a
     * {@code @Configuration}: component scanning would then add it to every service the tests start.
     */
    public static class Registration {

        @Bean
        LifecycleWrites lifecycleWrites() {
            return new LifecycleWrites();
        }
    }
}
