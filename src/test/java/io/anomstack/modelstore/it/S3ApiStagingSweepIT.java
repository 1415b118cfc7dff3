package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A multipart upload a client neither completes nor aborts is removed by the sweep after dead uploads. */
class S3ApiStagingSweepIT {

    private static final String BACKING = "s3-staging-sweep";

    @Test
    void theStagedPartsOfAnAbandonedUploadAreSweptAway() throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory()) {
            Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket(BACKING)));
            properties.put("modelstore.s3.multipart-sweep.interval", "1s");
            properties.put("modelstore.s3.multipart-sweep.max-age", "2s");
            try (RunningService service = RunningService.start(properties);
                 S3Client s3 = S3Client.builder()
                         .endpointOverride(URI.create("http://127.0.0.1:"
                                 + service.context().getEnvironment().getProperty("local.s3-api.port")))
                         .forcePathStyle(true).region(Region.US_EAST_1)
                         .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("any", "secret")))
                         .build();
                 S3Client backing = backend.client()) {
                String key = "models/my_batch/abandoned.pkl";
                String uploadId = s3.createMultipartUpload(b -> b.bucket("s3-staging-sweep").key(key)).uploadId();
                s3.uploadPart(b -> b.bucket("s3-staging-sweep").key(key).uploadId(uploadId).partNumber(1),
                        RequestBody.fromBytes(S3ApiIT.bytes(1000, 1)));
                assertThat(backing.listObjectsV2(b -> b.bucket(BACKING).prefix("models.staging/")).contents()).hasSize(2);

                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!backing.listObjectsV2(b -> b.bucket(BACKING).prefix("models.staging/")).contents().isEmpty()) {
                    assertThat(System.nanoTime()).as("swept within 30 s").isLessThan(deadline);
                    Thread.sleep(200);
                }
                assertThatThrownBy(() -> s3.uploadPart(b -> b.bucket("s3-staging-sweep").key(key).uploadId(uploadId)
                        .partNumber(2), RequestBody.fromBytes(S3ApiIT.bytes(10, 2))))
                        .isInstanceOfSatisfying(S3Exception.class,
                                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchUpload"));
            }
        }
    }
}
