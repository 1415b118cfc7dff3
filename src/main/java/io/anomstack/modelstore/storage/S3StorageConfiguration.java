package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.pickle.PicklePolicy;
import io.anomstack.modelstore.s3.ObjectSettings;
import io.anomstack.modelstore.s3.CircuitBreakerProperties;
import io.anomstack.modelstore.s3.EmbeddedS3Server;
import io.anomstack.modelstore.s3.BufferedSockets;
import io.anomstack.modelstore.s3.LoopbackSigning;
import io.anomstack.modelstore.s3.MissingPermissions;
import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.S3CircuitBreaker;
import io.anomstack.modelstore.s3.S3CircuitBreakerMetrics;
import io.anomstack.modelstore.s3.S3ClientProperties;
import io.anomstack.modelstore.s3.S3Clients;
import io.anomstack.modelstore.s3.S3Location;
import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.UploadBudget;
import io.anomstack.modelstore.catalog.UploadMemory;
import io.anomstack.modelstore.catalog.PageCursors;
import io.anomstack.modelstore.config.LocalMode;
import io.anomstack.modelstore.config.ModelStoreProperties;
import io.micrometer.core.instrument.MeterRegistry;
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
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Wires the S3 side of the service. Production and local mode share every line but the connection:
 * local mode points the same client at an embedded S3 server with generated credentials.
 */
@Configuration(proxyBeanMethods = false)
public class S3StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(S3StorageConfiguration.class);

    /** Bucket of local mode's embedded server. */
    static final String LOCAL_BUCKET = "anomstack-models";

    @Bean
    LocalMode localMode(S3StorageProperties properties) {
        return new LocalMode(properties.localMode());
    }

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
    S3Location s3Target(S3StorageProperties properties) {
        return new S3Location(
                properties.localMode() ? LOCAL_BUCKET : properties.bucket(),
                properties.prefix(),
                properties.region(),
                properties.localMode(),
                Math.toIntExact(properties.partSize().toBytes()));
    }

    /** The S3 clients, one per region; local mode's all talk to the embedded server with its generated keys. */
    @Bean(destroyMethod = "close")
    S3Clients s3Clients(S3StorageProperties properties, S3ClientProperties client, CircuitBreakerProperties breaker,
                        AwsCredentialsProvider credentials, ObjectProvider<EmbeddedS3Server> embedded,
                        ObjectProvider<ExecutionInterceptor> interceptors) {
        EmbeddedS3Server local = embedded.getIfAvailable();
        URI endpoint = local != null ? local.endpoint() : properties.endpointUri();
        AwsCredentialsProvider effectiveCredentials = local == null ? credentials
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(local.accessKey(), local.secretKey()));
        List<ExecutionInterceptor> executionInterceptors = interceptors.orderedStream().toList();
        return new S3Clients(region -> {
            S3ClientBuilder builder = S3Client.builder()
                    .region(region)
                    .credentialsProvider(effectiveCredentials)
                    .overrideConfiguration(c -> c.executionInterceptors(executionInterceptors)
                            .retryStrategy(client.retryStrategy()))
                    .httpClientBuilder(BufferedSockets.configure(ApacheHttpClient.builder()
                            .maxConnections(64)
                            .connectionTimeout(client.connectTimeout())
                            .socketTimeout(client.readTimeout())));
            if (endpoint != null) {
                builder.endpointOverride(endpoint).forcePathStyle(true);
                if (LoopbackSigning.appliesTo(endpoint)) {
                    builder.putAuthScheme(new LoopbackSigning());
                }
            }
            return builder.build();
        }, region -> new S3CircuitBreaker("S3 (region " + region.id() + ")", breaker));
    }

    @Bean
    S3CircuitBreakerMetrics s3CircuitBreakerMetrics(S3Clients clients, LocationStores stores) {
        // The stores open the breakers of their regions: built after them, the meters cover every one.
        return new S3CircuitBreakerMetrics(clients);
    }

    /** The time of version ids, descriptors and sweeps: UTC, one bean so that a test can shift one replica's clock. */
    @Bean
    Clock modelStoreClock() {
        return Clock.systemUTC();
    }

    @Bean
    WritesInProgress writesInProgress() {
        return new WritesInProgress();
    }

    @Bean(destroyMethod = "close")
    StaleUploadSweep staleUploadSweep(LocationStores stores, WritesInProgress active, DescriptorCodec codec,
                                      SupersededVersions marks, MultipartSweepProperties settings, Clock clock,
                                      MeterRegistry registry) {
        return new StaleUploadSweep(stores, active, new BatchFolderSweep(stores, active, codec, marks, registry), settings,
                clock, registry);
    }

    /** The client of the service's own bucket's region (closed with the others by {@link S3Clients}). */
    @Bean(destroyMethod = "")
    S3Client s3Client(S3Clients clients, S3Location target) {
        return clients.forRegion(target.region());
    }

    @Bean(destroyMethod = "shutdown")
    ExecutorService s3ReadExecutor() {
        return daemonPool(8, "s3-read");
    }

    /** Requests on the service's own bucket and prefix. */
    @Bean
    ObjectRequests objectRequests(LocationStores stores) {
        return stores.defaultStore().operations();
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
    MissingPermissions missingPermissions() {
        return new MissingPermissions();
    }

    @Bean
    ReadCache readCache(CacheProperties properties) {
        return new ReadCache(properties);
    }

    @Bean
    ReadCacheMetrics readCacheMetrics(ReadCache cache) {
        return new ReadCacheMetrics(cache);
    }

    /** What uploads may hold of the heap, for admission; every bucket and region shares the one part size. */
    @Bean
    UploadMemory uploadMemory(S3Location defaultTarget, UploadProperties uploads) {
        return new UploadFootprint(defaultTarget.partSize(), uploads);
    }

    /** The upload memory of this instance, shared by the REST API's and the S3 API's uploads. */
    @Bean
    UploadBudget uploadBudget(UploadMemory memory) {
        return new UploadBudget(memory);
    }

    @Bean
    DescriptorCodec descriptorCodec(JsonMapper jsonMapper) {
        return new DescriptorCodec(jsonMapper);
    }

    /**
     * A store per storage target: the service's bucket and prefix, and those batch files name. In local mode every
     * bucket lives in the embedded server, which creates them.
     */
    @Bean
    LocationStores locationStores(BatchPlacement.PerBatch placement, S3Clients clients, S3Location defaultTarget,
                              MissingPermissions missingPermissions,
                              DescriptorCodec codec, ReadCache cache, ObjectSettings.PerBatch objectSettings,
                              UploadProperties uploads, S3ClientProperties client, WritesInProgress active,
                              ExecutorService s3PartUploadExecutor, JsonMapper jsonMapper, Clock clock) {
        return new LocationStores(placement, where -> {
            S3Location target = new S3Location(where.bucket() == null ? defaultTarget.bucket() : where.bucket(),
                    where.prefix(), where.region(), defaultTarget.localMode(), defaultTarget.partSize());
            S3Client s3 = clients.forRegion(target.region());
            if (target.localMode()) {
                createLocalBucket(s3, target.bucket());
            }
            // A stream may read its rest again as often as a request may be retried.
            ObjectRequests operations = new ObjectRequests(s3, target, missingPermissions, clients.breakerFor(target.region()),
                    client.maxAttempts() - 1);
            S3KeyLayout layout = new S3KeyLayout(target.prefix());
            return new LocationStore(operations, layout,
                    new VersionSequence(operations, layout, jsonMapper, objectSettings, clock),
                    new LatestPointers(operations, layout, codec, cache, objectSettings, clock),
                    new ModelAliases(operations, layout, codec, objectSettings),
                    new BucketVersioning(operations),
                    new StreamingUploader(operations, uploads, active, s3PartUploadExecutor, client.readTimeout()),
                    new SupersededTag(operations));
        });
    }

    @Bean
    ModelCatalog modelCatalog(LocationStores stores, DescriptorCodec codec, ReadCache cache, ModelStoreProperties properties,
                              ObjectSettings.PerBatch objectSettings, ExecutorService s3ReadExecutor,
                              SupersededVersions marks, WritesInProgress active, PicklePolicy.PerBatch pickles, Clock clock) {
        VersionLookup lookup = new VersionLookup(stores, codec, cache, s3ReadExecutor);
        ArchiveStates archives = new ArchiveStates(stores, lookup);
        LatestAndAliases names = new LatestAndAliases(stores, lookup, archives, marks);
        return new S3ModelCatalog(
                new ModelCommits(stores, lookup, codec, objectSettings, marks, active, new PickleGate(pickles),
                        properties.maxModelSize().toBytes(), clock),
                new ModelListings(stores, lookup, new PageCursors(cursorSecret(properties, stores))),
                lookup, names, new ModelContentReader(stores, cache, archives), archives,
                new VersionRemovals(stores, lookup, names, cache, marks, clock));
    }

    /**
     * MODELSTORE_CURSOR_SECRET, or else one derived from the bucket and prefix: the same on every replica, so paging
     * works behind a load balancer, but only the configured secret makes cursors impossible to forge.
     */
    private static String cursorSecret(ModelStoreProperties properties, LocationStores stores) {
        S3Location target = stores.defaultStore().target();
        return properties.cursorSecret().isBlank() ? "anomstack-model-store:" + target.bucket() + "/" + target.prefix()
                : properties.cursorSecret();
    }

    private static void createLocalBucket(S3Client client, String bucket) {
        try {
            client.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            client.createBucket(b -> b.bucket(bucket));
        }
    }
}
