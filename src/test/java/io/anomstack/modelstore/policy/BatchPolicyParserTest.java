package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.ModelEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** One batch file read on its own, without the service's defaults. */
class BatchPolicyParserTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("cpu.yaml"), yaml);
    }

    @Test
    void readsWhatTheFileSetsWithTheLinesOfTheValuesCheckedTogether() throws IOException {
        Path file = write("""
                # CPU
                metric_batch: cpu
                model_store_params:
                  encryption: aws:kms
                  kms_key_id: alias/cpu
                  bucket_key: yes
                  storage_class: standard_ia
                  compression: gzip
                  retention: { keep_last: ~, max_age_days: 30 }
                """);

        BatchFile parsed = BatchPolicyParser.parse(file);

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.path()).isEqualTo(file);
        assertThat(parsed.batch()).isEqualTo("cpu");
        assertThat(parsed.batchLine()).isEqualTo(2);
        BatchFile.Overrides o = parsed.overrides();
        assertThat(o).isNotNull();
        assertThat(o.bucket).isNull();
        assertThat(o.encryption).isEqualTo(ServerSideEncryption.AWS_KMS);
        assertThat(o.encryptionLine).isEqualTo(4);
        assertThat(o.kmsKeyId).isEqualTo("alias/cpu");
        assertThat(o.kmsKeyLine).isEqualTo(5);
        assertThat(o.bucketKey).isTrue();
        assertThat(o.bucketKeyLine).isEqualTo(6);
        assertThat(o.storageClass).isEqualTo(StorageClass.STANDARD_IA);
        assertThat(o.compression).isEqualTo(ModelEncoding.GZIP);
        assertThat(o.keepLastSet).isTrue();
        assertThat(o.keepLast).as("null: no limit").isNull();
        assertThat(o.maxAgeDaysSet).isTrue();
        assertThat(o.maxAgeDays).isEqualTo(30);
    }

    @Test
    void aBatchStoredElsewhereHasNoOverridesAndItsParamsAreNotRead() throws IOException {
        BatchFile parsed = BatchPolicyParser.parse(write("metric_batch: gcs\nmodel_store: gcs\nmodel_store_params:\n  region: x\n"));

        assertThat(parsed.batch()).isEqualTo("gcs");
        assertThat(parsed.overrides()).isNull();
        assertThat(parsed.problems()).isEmpty();
    }

    @Test
    void aFileThatNamesNoBatchHasNoBatchAndSaysWhy() throws IOException {
        Path file = write("db: duckdb\n");

        BatchFile parsed = BatchPolicyParser.parse(file);

        assertThat(parsed.batch()).isNull();
        assertThat(parsed.overrides()).isNull();
        assertThat(parsed.problems()).singleElement().asString().startsWith(file + ": there is no metric_batch;");
    }

    @Test
    void keepsReadingAfterAProblemAndNamesTheLineOfEach() throws IOException {
        Path file = write("metric_batch: cpu\nmodel_store_params:\n  region: mars\n  compression: lz4\n  prefix: p/\n");

        BatchFile parsed = BatchPolicyParser.parse(file);

        assertThat(parsed.problems()).containsExactly(
                file + " line 3: region 'mars' is not a region name such as 'us-east-1'.",
                file + " line 4: compression 'lz4' is not supported; use zstd, gzip or none.");
        assertThat(parsed.overrides()).isNotNull();
        assertThat(parsed.overrides().prefix).isEqualTo("p/");
    }
}
