package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.VersionIdGenerator;
import io.anomstack.modelstore.config.ModelStoreProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Wires the S3 side of the service. Production and local mode share every line but the connection:
 * local mode points the same client at an embedded S3 server with generated credentials.
 */
@Configuration(proxyBeanMethods = false)
class S3StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(S3StorageConfiguration.class);

    /** Bucket of local mode's embedded server. */
    static final String LOCAL_BUCKET = "anomstack-models";

    @Bean(destroyMethod = "close")
    @Conditional(LocalModeCondition.class)
    EmbeddedS3Server embeddedS3Server(ModelStoreProperties properties) {
        EmbeddedS3Server server = EmbeddedS3Server.filesystem(properties.dataPath());
        log.warn("LOCAL MODE: S3_BUCKET_NAME is not set, so models are stored by an embedded S3 server at {} in {} "
                + "(bucket '{}'). Set S3_BUCKET_NAME to use Amazon S3.", server.endpoint(),
                properties.dataPath().toAbsolutePath().normalize(), LOCAL_BUCKET);
        return server;
    }

    @Bean
    S3Target s3Target(S3StorageProperties properties) {
        return new S3Target(
                properties.localMode() ? LOCAL_BUCKET : properties.bucket(),
                properties.prefix(),
                properties.region(),
                properties.localMode(),
                Math.toIntExact(properties.partSize().toBytes()));
    }

    @Bean(destroyMethod = "close")
    S3Client s3Client(S3StorageProperties properties, S3Target target, AwsCredentialsProvider credentials,
                      ObjectProvider<EmbeddedS3Server> embedded, ObjectProvider<ExecutionInterceptor> interceptors) {
        EmbeddedS3Server local = embedded.getIfAvailable();
        URI endpoint = local != null ? local.endpoint() : properties.endpointUri();
        AwsCredentialsProvider effectiveCredentials = local == null ? credentials
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(local.accessKey(), local.secretKey()));
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(target.region()))
                .credentialsProvider(effectiveCredentials)
                .overrideConfiguration(c -> c.executionInterceptors(interceptors.orderedStream().toList()))
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(64)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)));
        if (endpoint != null) {
            builder.endpointOverride(endpoint).forcePathStyle(true);
        }
        S3Client client = builder.build();
        if (local != null) {
            createLocalBucket(client);
        }
        return client;
    }

    @Bean(destroyMethod = "shutdown")
    ExecutorService s3ReadExecutor() {
        return daemonPool(8, "s3-read");
    }

    @Bean
    S3Operations s3Operations(S3Client s3, S3Target target) {
        return new S3Operations(s3, target);
    }

    /** Sends the parts of all uploads; each upload bounds its own parts in flight. */
    @Bean(destroyMethod = "shutdown")
    ExecutorService s3PartUploadExecutor() {
        return daemonPool(32, "s3-part-upload");
    }

    private static ExecutorService daemonPool(int threads, String name) {
        return Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    ModelCatalog modelCatalog(S3Operations operations, S3Target target, JsonMapper jsonMapper,
                              ModelStoreProperties properties, UploadProperties uploads, CacheProperties cacheProperties,
                              ObjectSettings.PerBatch objectSettings,
                              ExecutorService s3ReadExecutor, ExecutorService s3PartUploadExecutor) {
        return new S3ModelCatalog(operations, new S3KeyLayout(target.prefix()), new DescriptorCodec(jsonMapper),
                new VersionIdGenerator(Clock.systemUTC()),
                new StreamingUploader(operations, uploads, s3PartUploadExecutor), new ReadCache(cacheProperties), objectSettings,
                properties.maxModelSize().toBytes(), s3ReadExecutor, Clock.systemUTC());
    }

    private static void createLocalBucket(S3Client client) {
        try {
            client.headBucket(b -> b.bucket(LOCAL_BUCKET));
        } catch (NoSuchBucketException e) {
            client.createBucket(b -> b.bucket(LOCAL_BUCKET));
        }
    }
}
