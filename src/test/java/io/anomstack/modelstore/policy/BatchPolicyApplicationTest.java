package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.RetentionRule;
import io.anomstack.modelstore.ModelStoreApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The whole service reads MODELSTORE_BATCHES_DIR when it starts, and refuses to start on an invalid file. */
class BatchPolicyApplicationTest {

    @TempDir
    Path dataDir;

    @TempDir
    Path batchesDir;

    @Test
    void anInvalidBatchFileStopsTheServiceNamingFileAndLine() throws IOException {
        Path file = batchesDir.resolve("cpu.yaml");
        Files.writeString(file, "metric_batch: cpu\nmodel_store: s3\nmodel_store_params:\n  storage_class: FAST\n");

        Throwable failure = catchThrowable(() -> {
            ConfigurableApplicationContext context = new SpringApplicationBuilder(ModelStoreApplication.class)
                    .run("--server.port=0", "--modelstore.data-dir=" + dataDir, "--modelstore.batches-dir=" + batchesDir);
            context.close();
        });

        assertThat(failure).as("the application must not start").isNotNull();
        Throwable root = NestedExceptionUtils.getRootCause(failure);
        assertThat(root).isInstanceOf(InvalidBatchPoliciesException.class);
        assertThat(((InvalidBatchPoliciesException) root).problems()).singleElement().asString()
                .startsWith(file + " line 4: storage_class 'FAST' is not a storage class; use one of STANDARD");
        assertThat(root.getMessage()).contains(file + " line 4: storage_class 'FAST'");
    }

    @Test
    void aValidDirectoryGivesEachConfiguredBatchItsPolicyOverTheServiceSettings() throws IOException {
        Path file = batchesDir.resolve("team/cpu.yml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                metric_batch: cpu
                db: duckdb
                model_store_params:
                  storage_class: STANDARD_IA
                  retention: { keep_last: 3 }
                """);

        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ModelStoreApplication.class)
                .run("--server.port=0", "--modelstore.data-dir=" + dataDir, "--modelstore.batches-dir=" + batchesDir,
                        "--modelstore.retention.max-age-days=90")) {
            BatchPolicies policies = context.getBean(BatchPolicies.class);

            assertThat(policies.configuredBatches()).containsExactly("cpu");
            BatchPolicy cpu = policies.policyFor("cpu");
            assertThat(cpu.source()).isEqualTo(file);
            assertThat(cpu.storageClass()).isEqualTo(StorageClass.STANDARD_IA);
            assertThat(cpu.retention()).isEqualTo(new RetentionRule(3, 90));
            assertThat(cpu.prefix()).isEqualTo("models/");
            assertThat(cpu.bucket()).as("local mode: the embedded server's bucket").isNull();
            BatchPolicy other = policies.policyFor("memory");
            assertThat(other.source()).isNull();
            assertThat(other.storageClass()).isEqualTo(StorageClass.STANDARD);
            assertThat(other.retention()).isEqualTo(new RetentionRule(null, 90));
        }
    }
}
