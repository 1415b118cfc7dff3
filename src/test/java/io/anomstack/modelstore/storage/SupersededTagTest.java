package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.CircuitBreakerProperties;
import io.anomstack.modelstore.s3.MissingPermissions;
import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.S3CircuitBreaker;
import io.anomstack.modelstore.s3.S3Location;
import io.anomstack.modelstore.support.DenyRequests;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Request;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tagging degrades instead of failing: against S3Proxy's in-memory backend, which answers tagging with 501, and with
 * an identity S3 denies. (That it sets and clears the tag where tagging works is checked on S3Mock in BucketManagementIT.)
 */
class SupersededTagTest {

    private static final String BUCKET = "tagging";
    private static final String KEY = "models/b/m/model_20250101_000000.pkl";

    private static S3ProxyBackend server;

    @BeforeAll
    static void start() {
        server = S3ProxyBackend.inMemory();
        try (S3Client s3 = server.client()) {
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
        try (S3Client s3 = server.client()) {
            MissingPermissions missing = new MissingPermissions();
            SupersededTag tagging = new SupersededTag(operations(s3, missing));

            assertThat(tagging.markSuperseded(KEY)).isFalse();
            assertThat(tagging.clearSuperseded(KEY)).isFalse();
            assertThat(missing.missing()).as("a server's missing feature is no missing permission").isEmpty();
        }
    }

    @Test
    void aDeniedPermissionIsReportedAsNotDoneNeverThrown() {
        try (S3Client s3 = server.client(List.of(new DenyRequests(S3Request.class)))) {
            MissingPermissions missing = new MissingPermissions();
            SupersededTag tagging = new SupersededTag(operations(s3, missing));

            assertThat(tagging.markSuperseded(KEY)).isFalse();
            assertThat(tagging.markSuperseded(KEY)).isFalse();
            assertThat(tagging.clearSuperseded(KEY)).isFalse();
            assertThat(missing.missing()).containsExactly("s3:DeleteObjectTagging on " + BUCKET,
                    "s3:PutObjectTagging on " + BUCKET);
        }
    }

    private static ObjectRequests operations(S3Client s3, MissingPermissions missing) {
        S3CircuitBreaker noBreaker = new S3CircuitBreaker("S3", new CircuitBreakerProperties(false, 5, Duration.ofSeconds(30),
                Duration.ofSeconds(10)));
        return new ObjectRequests(s3, new S3Location(BUCKET, "models/", "us-east-1", true, 8 << 20), missing, noBreaker, 0);
    }
}
