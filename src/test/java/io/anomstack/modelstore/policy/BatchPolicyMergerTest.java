package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.catalog.RetentionRule;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Batch files laid over the service's defaults, and what the files declare together. */
class BatchPolicyMergerTest {

    private static final BatchPolicyDefaults KMS = new BatchPolicyDefaults("default-bucket", "models/", "us-east-1",
            StorageClass.STANDARD, ServerSideEncryption.AWS_KMS, "alias/service", null, ModelEncoding.ZSTD,
            new RetentionRule(5, 30));

    private static BatchFile file(String path, String batch, int line, BatchFile.Overrides overrides, String... problems) {
        return new BatchFile(Path.of(path), batch, line, overrides, List.of(problems));
    }

    @Test
    void aFileInheritsWhatItLeavesOutAndANullRetentionLimitMeansNone() {
        BatchFile.Overrides o = new BatchFile.Overrides();
        o.prefix = "cpu/";
        o.keepLastSet = true;

        BatchPolicyMerger.Merged merged = BatchPolicyMerger.merge(KMS, List.of(file("cpu.yaml", "cpu", 1, o)));

        assertThat(merged.problems()).isEmpty();
        assertThat(merged.policies()).containsExactly(new BatchPolicy("cpu", "default-bucket", "cpu/", "us-east-1",
                ServerSideEncryption.AWS_KMS, "alias/service", null, StorageClass.STANDARD, ModelEncoding.ZSTD,
                new RetentionRule(null, 30), Path.of("cpu.yaml")));
    }

    @Test
    void settingsThatOnlyMakeSenseTogetherAreCheckedAgainstTheDefaults() {
        BatchFile.Overrides aes = new BatchFile.Overrides();
        aes.encryption = ServerSideEncryption.AES256;
        aes.encryptionLine = 3;
        aes.bucketKey = true;
        aes.bucketKeyLine = 4;

        BatchPolicyMerger.Merged merged = BatchPolicyMerger.merge(KMS, List.of(file("aes.yaml", "aes", 1, aes)));

        assertThat(merged.policies()).isEmpty();
        assertThat(merged.problems()).containsExactly("aes.yaml line 4: bucket_key applies to SSE-KMS only, and the "
                + "batch's encryption is AES256; set encryption: aws:kms, or remove bucket_key.");
    }

    @Test
    void problemsComeFileByFileAndASecondDeclarationNamesTheFirstEvenForABatchStoredElsewhere() {
        BatchPolicyMerger.Merged merged = BatchPolicyMerger.merge(KMS, List.of(
                file("a.yaml", "cpu", 2, null),
                file("b.yaml", "cpu", 5, new BatchFile.Overrides(), "b.yaml line 7: own problem."),
                file("c.yaml", null, 0, null, "c.yaml: no batch."),
                file("d.yaml", "disk", 1, new BatchFile.Overrides())));

        assertThat(merged.problems()).containsExactly(
                "b.yaml line 7: own problem.",
                "b.yaml line 5: metric_batch 'cpu' is already declared in a.yaml line 2; each batch must be declared in one file only.",
                "c.yaml: no batch.");
        assertThat(merged.policies()).extracting(BatchPolicy::batch).containsExactly("disk");
    }
}
