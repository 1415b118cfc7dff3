package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.RetentionRule;
import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.storage.S3StorageProperties;
import io.anomstack.modelstore.storage.UploadProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The service's own settings are the policy of every batch without a file, and the base of every file. */
class BatchPolicyDefaultsTest {

    private static RetentionProperties retention(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("modelstore.retention", RetentionProperties.class);
    }

    @Test
    void takesBucketPrefixRegionStorageClassEncryptionAndCompressionFromTheServiceSettings() {
        S3StorageProperties s3 = new S3StorageProperties("your-anomstack-models-bucket", "models/production/", "eu-west-1",
                null, "standard_ia", "aws:kms", "alias/models", DataSize.ofMegabytes(8));
        UploadProperties upload = new UploadProperties(4, "gzip", 1, null);

        BatchPolicyDefaults defaults = BatchPolicyDefaults.from(s3, upload, new RetentionProperties(10, 180, null));

        assertThat(defaults).isEqualTo(new BatchPolicyDefaults("your-anomstack-models-bucket", "models/production/",
                "eu-west-1", StorageClass.STANDARD_IA, ServerSideEncryption.AWS_KMS, "alias/models", null,
                ModelEncoding.GZIP, new RetentionRule(10, 180)));
        assertThat(defaults.policyFor("cpu").source()).isNull();
        assertThat(defaults.policyFor("cpu").batch()).isEqualTo("cpu");
    }

    @Test
    void inLocalModeTheBucketIsLeftToTheEmbeddedServer() {
        S3StorageProperties local = new S3StorageProperties(null, "models/", "us-east-1", null, null, null, null,
                DataSize.ofMegabytes(8));

        BatchPolicyDefaults defaults = BatchPolicyDefaults.from(local, new UploadProperties(4, "zstd", 1, null), retention(Map.of()));

        assertThat(defaults.bucket()).isNull();
        assertThat(defaults.encryption()).isNull();
        assertThat(defaults.compression()).isEqualTo(ModelEncoding.ZSTD);
        assertThat(defaults.retention().keepsEverything()).isTrue();
    }

    @Test
    void retentionSettingsAreOptionalAndBlankMeansUnset() {
        assertThat(retention(Map.of("modelstore.retention.keep-last", "", "modelstore.retention.max-age-days", "")).toRetention())
                .isEqualTo(RetentionRule.KEEP_ALL);
        assertThat(retention(Map.of("modelstore.retention.keep-last", "7")).toRetention()).isEqualTo(new RetentionRule(7, null));
    }

    @Test
    void retentionSettingsMustBePositive() {
        assertThatThrownBy(() -> retention(Map.of("modelstore.retention.keep-last", "0")))
                .rootCause()
                .hasMessage("MODELSTORE_RETENTION_KEEP_LAST must be at least 1, or unset to keep any number of versions.");
        assertThatThrownBy(() -> retention(Map.of("modelstore.retention.max-age-days", "-1")))
                .rootCause()
                .hasMessage("MODELSTORE_RETENTION_MAX_AGE_DAYS must be at least 1, or unset to keep versions of any age.");
    }
}
