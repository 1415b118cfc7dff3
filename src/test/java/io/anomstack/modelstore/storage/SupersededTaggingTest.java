package io.anomstack.modelstore.storage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tagging degrades instead of failing: against S3Proxy's in-memory backend, which answers tagging with 501, and with
 * an identity S3 denies. (That it sets and clears the tag where tagging works is checked on S3Mock in BucketManagementIT.)
 */
class SupersededTaggingTest {

    private static final String BUCKET = "tagging";
    private static final String KEY = "models/b/m/model_20250101_000000.pkl";

    private static EmbeddedS3Server server;

    @BeforeAll
    static void start() {
        server = EmbeddedS3Server.inMemory();
        try (S3Client s3 = client(null)) {
            s3.createBucket(b -> b.bucket(BUCKET));
            s3.putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromBytes(new byte[] {1}));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aServerWithoutObjectTaggingIsReportedAsNotDoneNeverThrown() {
        try (S3Client s3 = client(null)) {
            MissingPermissions missing = new MissingPermissions();
            SupersededTagging tagging = new SupersededTagging(operations(s3, missing));

            assertThat(tagging.markSuperseded(KEY)).isFalse();
            assertThat(tagging.clearSuperseded(KEY)).isFalse();
            assertThat(missing.missing()).as("a server's missing feature is no missing permission").isEmpty();
        }
    }

    @Test
    void aDeniedPermissionIsReportedAsNotDoneNeverThrown() {
        ExecutionInterceptor deny = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                throw S3Exception.builder().statusCode(403).message("Access Denied")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").build()).build();
            }
        };
        try (S3Client s3 = client(deny)) {
            MissingPermissions missing = new MissingPermissions();
            SupersededTagging tagging = new SupersededTagging(operations(s3, missing));

            assertThat(tagging.markSuperseded(KEY)).isFalse();
            assertThat(tagging.markSuperseded(KEY)).isFalse();
            assertThat(tagging.clearSuperseded(KEY)).isFalse();
            assertThat(missing.missing()).containsExactly("s3:DeleteObjectTagging on " + BUCKET,
                    "s3:PutObjectTagging on " + BUCKET);
        }
    }

    private static S3Operations operations(S3Client s3, MissingPermissions missing) {
        S3CircuitBreaker noBreaker = new S3CircuitBreaker("S3", new CircuitBreakerProperties(false, 5, Duration.ofSeconds(30),
                Duration.ofSeconds(10)));
        return new S3Operations(s3, new S3Target(BUCKET, "models/", "us-east-1", true, 8 << 20), missing, noBreaker, 0);
    }

    private static S3Client client(ExecutionInterceptor interceptor) {
        return S3Client.builder()
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
                .overrideConfiguration(c -> {
                    if (interceptor != null) {
                        c.addExecutionInterceptor(interceptor);
                    }
                })
                .build();
    }
}
