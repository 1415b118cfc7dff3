package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Local mode's S3 API: bucket {@code anomstack-models}, loopback only, and every caller let in whatever it signs with,
 * as the REST API lets loopback callers in without a key.
 */
class S3ApiLocalModeIT {

    @TempDir
    Path dataDir;

    @Test
    void aLoopbackCallerWithAnyCredentialsStoresAndReadsModels() {
        try (RunningService service = RunningService.start(Map.of("modelstore.data-dir", dataDir.toString()));
             S3Client s3 = S3Client.builder()
                     .endpointOverride(URI.create("http://127.0.0.1:"
                             + service.context().getEnvironment().getProperty("local.s3-api.port")))
                     .forcePathStyle(true)
                     .region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("any", "thing")))
                     .build()) {
            byte[] model = S3ApiIT.bytes(4096, 1);
            PutObjectResponse put = s3.putObject(b -> b.bucket("anomstack-models").key("models/my_batch/cpu_pca_default.pkl"),
                    RequestBody.fromBytes(model));

            assertThat(s3.getObjectAsBytes(b -> b.bucket("anomstack-models").key("models/my_batch/cpu_pca_default.pkl"))
                    .asByteArray()).isEqualTo(model);
            assertThat(service.get("/api/v1/models/my_batch/cpu/latest/metadata?tag=pca_default").body())
                    .contains("\"version\":\"" + put.versionId() + "\"");
        }
    }
}
