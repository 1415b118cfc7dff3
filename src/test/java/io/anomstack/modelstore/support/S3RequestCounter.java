package io.anomstack.modelstore.support;

import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the S3 operations the service performs, to check how many requests an API call costs. */
public class S3RequestCounter implements ExecutionInterceptor {

    private final List<String> operations = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        operations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }

    public void reset() {
        operations.clear();
    }

    public List<String> operations() {
        return List.copyOf(operations);
    }

    /**
     * Adds the counter to a service started with {@link RunningService#start}. Deliberately not a
     * {@code @Configuration}: component scanning would then add it to every service the tests start.
     */
    public static class Registration {

        @Bean
        S3RequestCounter s3RequestCounter() {
            return new S3RequestCounter();
        }
    }
}
