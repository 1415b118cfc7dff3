package io.anomstack.modelstore.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

import java.net.URI;

/**
 * The one {@link AwsCredentialsProvider} of the service, shared by its S3 and CloudWatch clients: Spring Cloud AWS's
 * (static keys, a named profile, or the default chain: environment with session token, profile files, web identity
 * on EKS, container and instance credentials), and, with {@code S3_ASSUME_ROLE_ARN}, an assumed role on top of it.
 */
@Configuration(proxyBeanMethods = false)
class AwsCredentialsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AwsCredentialsConfiguration.class);

    /**
     * Wraps the credentials provider in an STS assume-role provider when a role is configured. A post-processor, not a
     * bean of its own: Spring Cloud AWS builds its provider only while no other exists, and the role goes on top of it.
     */
    @Bean
    static BeanPostProcessor assumeRoleOnTopOfTheCredentials(Environment environment) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (!(bean instanceof AwsCredentialsProvider found) || bean instanceof StsAssumeRoleCredentialsProvider) {
                    return bean;
                }
                AwsCredentialsProvider base = ownChain(found);
                AssumeRoleProperties role = Binder.get(environment).bind("modelstore.aws.assume-role", AssumeRoleProperties.class)
                        .orElse(null);
                if (role == null || !role.enabled()) {
                    return base;
                }
                String region = environment.getProperty("modelstore.s3.region", "us-east-1");
                log.info("AWS credentials: assuming role {} (session {}) with the credentials of {}.", role.roleArn(),
                        role.sessionName(), base.getClass().getSimpleName());
                return assumeRole(base, role, region);
            }
        };
    }

    /**
     * Spring Cloud AWS hands out the SDK's process-wide default chain ({@code DefaultCredentialsProvider.create()}),
     * which reads the profile name and files once, when the first context of the JVM asks, and keeps them for every
     * later one. A chain of the context's own reads them when this context starts (and closes with it).
     */
    @SuppressWarnings("deprecation")
    private static AwsCredentialsProvider ownChain(AwsCredentialsProvider found) {
        return found == DefaultCredentialsProvider.create() ? DefaultCredentialsProvider.builder().build() : found;
    }

    private static StsAssumeRoleCredentialsProvider assumeRole(AwsCredentialsProvider base, AssumeRoleProperties role,
                                                               String region) {
        StsClientBuilder sts = StsClient.builder().credentialsProvider(base).region(Region.of(region));
        if (role.stsEndpoint() != null) {
            sts.endpointOverride(URI.create(role.stsEndpoint()));
        }
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts.build())
                .refreshRequest(request -> request.roleArn(role.roleArn())
                        .roleSessionName(role.sessionName())
                        .externalId(role.externalId())
                        .durationSeconds(Math.toIntExact(role.duration().toSeconds())))
                // Fresh credentials are fetched in the background before the current ones expire.
                .asyncCredentialUpdateEnabled(true)
                .build();
    }
}
