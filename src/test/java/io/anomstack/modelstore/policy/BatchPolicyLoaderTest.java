package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.RetentionRule;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.storage.BatchPlacement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.anomstack.modelstore.pickle.PickleGlobal;
import io.anomstack.modelstore.pickle.PicklePolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Per-batch storage policies read from a directory of Anomstack metric batch files. */
class BatchPolicyLoaderTest {

    /** The service's settings in these tests: production bucket, no encryption, zstd, every version kept. */
    static final BatchPolicyDefaults DEFAULTS = new BatchPolicyDefaults("default-bucket", "models/", "us-east-1",
            StorageClass.STANDARD, null, null, null, ModelEncoding.ZSTD, RetentionRule.KEEP_ALL);

    @TempDir
    Path dir;

    private ListAppender<ILoggingEvent> logs;
    private Logger policyLogger;

    /** Captures what the loader and the classes it composes log: everything in the policy package. */
    @BeforeEach
    void captureLogs() {
        policyLogger = (Logger) LoggerFactory.getLogger(BatchPolicyLoader.class.getPackageName());
        logs = new ListAppender<>();
        logs.start();
        policyLogger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        policyLogger.detachAppender(logs);
    }

    private Path write(String relative, String yaml) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    private BatchPolicies load() {
        return BatchPolicyLoader.load(dir, DEFAULTS);
    }

    private BatchPolicies load(BatchPolicyDefaults defaults) {
        return BatchPolicyLoader.load(dir, defaults);
    }

    private List<String> problems() {
        return catchThrowableOfType(InvalidBatchPoliciesException.class, this::load).problems();
    }

    private List<String> messages(Level level) {
        return logs.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static void assertOneSentence(String problem) {
        assertThat(problem).endsWith(".").doesNotContain("\n");
        assertThat(problem.substring(0, problem.length() - 1)).as("one sentence").doesNotContainPattern("\\.\\s+[A-Z]");
    }

    @Nested
    class Defaults {

        @Test
        void everyBatchGetsTheServiceSettingsWhenNoFileConfiguresIt() {
            BatchPolicies policies = BatchPolicies.defaultsOnly(DEFAULTS);

            BatchPolicy policy = policies.policyFor("my_batch");

            assertThat(policy).isEqualTo(new BatchPolicy("my_batch", "default-bucket", "models/", "us-east-1", null, null,
                    null, StorageClass.STANDARD, ModelEncoding.ZSTD, RetentionRule.KEEP_ALL, null));
            assertThat(policy.source()).isNull();
            assertThat(policy.retention().keepsEverything()).isTrue();
            assertThat(policies.configuredBatches()).isEmpty();
            assertThat(policy.placement()).isEqualTo(new BatchPlacement("default-bucket", "us-east-1", "models/"));
        }

        @Test
        void anEmptyDirectoryConfiguresNoBatch() {
            BatchPolicies policies = load();

            assertThat(policies.configuredBatches()).isEmpty();
            assertThat(policies.policyFor("cpu")).isEqualTo(DEFAULTS.policyFor("cpu"));
            assertThat(messages(Level.INFO)).anySatisfy(m -> assertThat(m).startsWith("Loaded 0 batch policies from "));
        }

        @Test
        void batchesWithoutAFileGetTheDefaultsBesideConfiguredOnes() throws IOException {
            write("cpu.yaml", "metric_batch: cpu\nmodel_store_params:\n  storage_class: STANDARD_IA\n");

            BatchPolicies policies = load();

            assertThat(policies.policyFor("memory")).isEqualTo(DEFAULTS.policyFor("memory"));
            assertThat(policies.policyFor("cpu").storageClass()).isEqualTo(StorageClass.STANDARD_IA);
        }
    }

    @Nested
    class Overrides {

        @Test
        void aFullFileOverridesEveryField() throws IOException {
            Path file = write("cpu.yaml", """
                    metric_batch: "cpu"
                    model_store: s3
                    model_store_params:
                      bucket_name: "your-anomstack-models-bucket"
                      prefix: "models/production/"
                      region: "eu-west-1"
                      encryption: "aws:kms"
                      kms_key_id: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd"
                      bucket_key: true
                      storage_class: "standard_ia"
                      compression: "gzip"
                      retention: { keep_last: 10, max_age_days: 180 }
                    """);

            BatchPolicy policy = load().policyFor("cpu");

            assertThat(policy).isEqualTo(new BatchPolicy("cpu", "your-anomstack-models-bucket", "models/production/",
                    "eu-west-1", ServerSideEncryption.AWS_KMS, "arn:aws:kms:eu-west-1:111122223333:key/1234abcd", true,
                    StorageClass.STANDARD_IA, ModelEncoding.GZIP, new RetentionRule(10, 180), file));
            assertThat(policy.placement())
                    .isEqualTo(new BatchPlacement("your-anomstack-models-bucket", "eu-west-1", "models/production/"));
        }

        @Test
        void aPickleSectionSetsTheBatchsPolicyAndAddsToTheServicesAllowList() throws IOException {
            write("cpu.yaml", """
                    metric_batch: "cpu"
                    model_store_params:
                      pickle:
                        policy: report
                        allow: ["mycompany.detectors.*", "mycompany.utils.Scaler"]
                    """);
            write("mem.yaml", """
                    metric_batch: "mem"
                    model_store_params:
                      pickle: { allow: "mycompany.utils.Scaler" }
                    """);

            BatchPolicies policies = load();

            assertThat(policies.policyFor("cpu").pickle())
                    .isEqualTo(new PickleSettings(PicklePolicy.Mode.REPORT, List.of("mycompany.detectors.*", "mycompany.utils.Scaler")));
            PicklePolicy mem = policies.policyFor("mem").pickle().over(PicklePolicy.ENFORCE_DEFAULTS);
            assertThat(mem.mode()).isEqualTo(PicklePolicy.Mode.ENFORCE);
            assertThat(mem.allowList().allows(new PickleGlobal("mycompany.utils", "Scaler"))).isTrue();
            assertThat(mem.allowList().allows(new PickleGlobal("sklearn.decomposition._pca", "PCA"))).isTrue();
            assertThat(policies.policyFor("other").pickle()).as("the service's policy").isNull();
        }

        @Test
        void aPartialFileInheritsEverythingItLeavesOut() throws IOException {
            BatchPolicyDefaults defaults = new BatchPolicyDefaults("default-bucket", "models/", "us-east-1",
                    StorageClass.INTELLIGENT_TIERING, ServerSideEncryption.AES256, null, null, ModelEncoding.ZSTD,
                    new RetentionRule(5, 30));
            Path file = write("cpu.yaml", """
                    metric_batch: cpu
                    model_store_params:
                      prefix: "cpu-models/"
                      retention:
                        keep_last: 3
                    """);

            BatchPolicy policy = load(defaults).policyFor("cpu");

            assertThat(policy).isEqualTo(new BatchPolicy("cpu", "default-bucket", "cpu-models/", "us-east-1",
                    ServerSideEncryption.AES256, null, null, StorageClass.INTELLIGENT_TIERING, ModelEncoding.ZSTD,
                    new RetentionRule(3, 30), file));
        }

        @Test
        void aFileWithoutModelStoreParamsIsConfiguredWithTheDefaults() throws IOException {
            Path file = write("cpu.yaml", "metric_batch: cpu\n");

            BatchPolicies policies = load();

            assertThat(policies.configuredBatches()).containsExactly("cpu");
            BatchPolicy policy = policies.policyFor("cpu");
            assertThat(policy.source()).isEqualTo(file);
            assertThat(policy).usingRecursiveComparison().ignoringFields("source").isEqualTo(DEFAULTS.policyFor("cpu"));
        }

        @Test
        void nullValuesAreLeftToTheDefaultsButANullRetentionLimitMeansNoLimit() throws IOException {
            BatchPolicyDefaults defaults = new BatchPolicyDefaults("default-bucket", "models/", "us-east-1",
                    StorageClass.STANDARD, null, null, null, ModelEncoding.ZSTD, new RetentionRule(5, 30));
            write("cpu.yaml", """
                    metric_batch: cpu
                    model_store_params:
                      bucket_name:
                      region: ~
                      prefix: ""
                      retention:
                        keep_last: null
                    """);

            BatchPolicy policy = load(defaults).policyFor("cpu");

            assertThat(policy.bucket()).isEqualTo("default-bucket");
            assertThat(policy.region()).isEqualTo("us-east-1");
            assertThat(policy.prefix()).as("an empty prefix is a prefix: none").isEmpty();
            assertThat(policy.retention()).isEqualTo(new RetentionRule(null, 30));
        }

        @Test
        void aKmsAlgorithmKeepsTheServiceKeyAndAes256DropsIt() throws IOException {
            BatchPolicyDefaults kms = new BatchPolicyDefaults("default-bucket", "models/", "us-east-1", StorageClass.STANDARD,
                    ServerSideEncryption.AWS_KMS, "alias/service-key", null, ModelEncoding.ZSTD, RetentionRule.KEEP_ALL);
            write("dsse.yaml", "metric_batch: dsse\nmodel_store_params:\n  encryption: aws:kms:dsse\n");
            write("sse_s3.yaml", "metric_batch: sse_s3\nmodel_store_params:\n  encryption: AES256\n");
            write("own_key.yaml", "metric_batch: own_key\nmodel_store_params:\n  kms_key_id: alias/batch-key\n  bucket_key: true\n");

            BatchPolicies policies = load(kms);

            assertThat(policies.policyFor("dsse").encryption()).isEqualTo(ServerSideEncryption.AWS_KMS_DSSE);
            assertThat(policies.policyFor("dsse").kmsKeyId()).isEqualTo("alias/service-key");
            assertThat(policies.policyFor("sse_s3").encryption()).isEqualTo(ServerSideEncryption.AES256);
            assertThat(policies.policyFor("sse_s3").kmsKeyId()).isNull();
            assertThat(policies.policyFor("own_key").encryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
            assertThat(policies.policyFor("own_key").kmsKeyId()).isEqualTo("alias/batch-key");
            assertThat(policies.policyFor("own_key").bucketKey()).isTrue();
        }

        @Test
        void batchesSharingBucketRegionAndPrefixShareAStorageTarget() throws IOException {
            write("a.yaml", "metric_batch: a\nmodel_store_params:\n  storage_class: GLACIER_IR\n");
            write("b.yaml", "metric_batch: b\nmodel_store_params:\n  bucket_name: other-bucket\n  region: eu-west-1\n");
            write("c.yaml", "metric_batch: c\nmodel_store_params:\n  bucket_name: other-bucket\n  region: eu-west-1\n  compression: none\n");

            BatchPolicies policies = load();

            assertThat(policies.configuredBatches()).containsExactly("a", "b", "c");
            assertThat(policies.policyFor("a").placement()).isEqualTo(policies.policyFor("zzz").placement());
            assertThat(policies.policyFor("b").placement()).isEqualTo(policies.policyFor("c").placement());
            assertThat(policies.policyFor("b").placement()).isEqualTo(new BatchPlacement("other-bucket", "eu-west-1", "models/"));
        }

        @Test
        void thePoliciesCannotBeChanged() throws IOException {
            write("a.yaml", "metric_batch: a\n");
            BatchPolicies policies = load();

            assertThatThrownBy(() -> policies.configuredBatches().add("b")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> policies.configuredPolicies().clear()).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    class Directory {

        @Test
        void readsYamlAndYmlFilesInSubdirectoriesAndNothingElse() throws IOException {
            write("cpu.yaml", "metric_batch: cpu\n");
            write("team_a/memory.yml", "metric_batch: memory\n");
            write("team_a/deep/er/disk.YAML", "metric_batch: disk\n");
            write("README.md", "metric_batch: readme\n");
            write("team_a/sql/train.sql", "select 1");
            write("notes.yaml.bak", "metric_batch: backup\n");

            BatchPolicies policies = load();

            assertThat(policies.configuredBatches()).containsExactly("cpu", "disk", "memory");
            assertThat(policies.policyFor("disk").source()).isEqualTo(dir.resolve("team_a/deep/er/disk.YAML"));
            assertThat(messages(Level.INFO)).anySatisfy(m -> assertThat(m)
                    .isEqualTo("Loaded 3 batch policies from " + dir.toAbsolutePath().normalize() + ": cpu, disk, memory"));
        }

        @Test
        void skipsHiddenFilesAndFoldersSuchAsTheDataFoldersOfAKubernetesConfigMapVolume() throws IOException {
            // A ConfigMap volume: the files live in a hidden timestamped folder, the visible names are links to them.
            write("..2025_01_31_23_59_59.123/cpu.yaml", "metric_batch: cpu\n");
            Files.createSymbolicLink(dir.resolve("..data"), dir.resolve("..2025_01_31_23_59_59.123"));
            Files.createSymbolicLink(dir.resolve("cpu.yaml"), dir.resolve("..data/cpu.yaml"));
            write(".editor-backup.yaml", "metric_batch: cpu\n");

            BatchPolicies policies = load();

            assertThat(policies.configuredBatches()).containsExactly("cpu");
            assertThat(policies.policyFor("cpu").source()).isEqualTo(dir.resolve("cpu.yaml"));
        }

        @Test
        void skipsBatchesWhoseModelStoreIsNotS3WithAnInfoLine() throws IOException {
            write("gcs.yaml", """
                    metric_batch: gcs_batch
                    model_store: gcs
                    model_store_params:
                      bucket_name: "a_gcs_bucket_name_s3_would_reject"
                    """);
            write("upper.yaml", "metric_batch: upper\nmodel_store: S3\n");
            write("absent.yaml", "metric_batch: absent\n");

            BatchPolicies policies = load();

            assertThat(policies.configuredBatches()).containsExactly("absent", "upper");
            assertThat(policies.policyFor("gcs_batch")).isEqualTo(DEFAULTS.policyFor("gcs_batch"));
            assertThat(messages(Level.INFO)).anySatisfy(m -> assertThat(m)
                    .contains("gcs.yaml line 2: batch gcs_batch has model_store 'gcs', not s3"));
        }

        @Test
        void warnsOnceAboutEachUnknownKeyInModelStoreParamsAndRetentionButNotAboutAnomstackKeys() throws IOException {
            Path file = write("cpu.yaml", """
                    metric_batch: cpu
                    db: duckdb
                    alert_methods: "email,slack"
                    model_store_params:
                      bucket: "typo-for-bucket-name"
                      storage_class: STANDARD_IA
                      retention:
                        keep: 3
                        keep_last: 4
                    """);
            write("memory.yaml", "metric_batch: memory\nmodel_store_params:\n  bucket: x\n");

            BatchPolicies policies = load();

            assertThat(policies.policyFor("cpu").storageClass()).isEqualTo(StorageClass.STANDARD_IA);
            assertThat(policies.policyFor("cpu").retention()).isEqualTo(new RetentionRule(4, null));
            assertThat(messages(Level.WARN)).containsExactly(
                    file + " line 5: unknown key 'bucket' in model_store_params is ignored; the keys read there are "
                            + "bucket_name, prefix, region, encryption, kms_key_id, bucket_key, storage_class, compression, retention, pickle.",
                    file + " line 8: unknown key 'keep' in retention is ignored; the keys read there are keep_last, max_age_days.",
                    dir.resolve("memory.yaml") + " line 3: unknown key 'bucket' in model_store_params is ignored; the keys read "
                            + "there are bucket_name, prefix, region, encryption, kms_key_id, bucket_key, storage_class, compression, retention, pickle.");
        }

        @Test
        void parsesAFileShapedLikeARealAnomstackBatch() throws IOException {
            Path file = write("examples/python_ingest_simple/python_ingest_simple.yaml", """
                    # An Anomstack metric batch with its models kept in S3 by the model store.
                    metric_batch: "python_ingest_simple"
                    table_key: "metrics"
                    db: "duckdb"
                    ingest_cron_schedule: "*/2 * * * *"
                    train_cron_schedule: "*/10 * * * *"
                    score_cron_schedule: "*/3 * * * *"
                    alert_methods: "email,slack"
                    alert_threshold: 0.8
                    disable_batch: False
                    preprocess_params:
                      diff_n: 1
                      smooth_n: 3
                      lags_n: 5
                    ingest_sql: >
                      select
                        get_current_timestamp() as metric_timestamp,
                        'metric_1' as metric_name,
                        random() as metric_value
                      ;
                    train_sql: >
                      {% include "./defaults/sql/train.sql" %}
                    model_configs:
                      - model_name: PCA
                        model_tag: pca_default
                        model_params:
                          contamination: 0.01
                      - model_name: KNN
                        model_tag: knn_default
                        model_params: { n_neighbors: 5 }
                      - model_name: IForest
                        model_tag: iforest_tuned
                      - model_name: broken
                        model_tag: "not a tag"
                    model_store: s3
                    model_store_params:
                      bucket_name: "your-anomstack-models-bucket"
                      prefix: "models/production/"
                      region: "us-east-1"
                      encryption: "AES256"
                      storage_class: "STANDARD_IA"
                      compression: "zstd"
                      retention:
                        keep_last: 10
                        max_age_days: 180
                    """);

            BatchPolicies policies = load();
            BatchPolicy policy = policies.policyFor("python_ingest_simple");

            assertThat(policy).isEqualTo(new BatchPolicy("python_ingest_simple", "your-anomstack-models-bucket",
                    "models/production/", "us-east-1", ServerSideEncryption.AES256, null, null, StorageClass.STANDARD_IA,
                    ModelEncoding.ZSTD, new RetentionRule(10, 180), file));
            assertThat(policies.modelTags("python_ingest_simple")).as("what the S3 API tells keys' tags by")
                    .containsExactly("pca_default", "knn_default", "iforest_tuned");
            assertThat(policies.modelTags("another_batch")).isEmpty();
            assertThat(messages(Level.WARN)).singleElement().asString().contains("model_tag 'not a tag' is not a valid tag");
        }
    }

    @Nested
    class Validation {

        /** A valid file with one line put in at line 5, inside model_store_params. */
        private static String withLine5(String line) {
            return """
                    metric_batch: "cpu"
                    model_store: s3
                    model_store_params:
                      prefix: "models/"
                    %s
                    """.formatted(line);
        }

        static Stream<Arguments> invalidValues() {
            return Stream.of(
                    arguments("  bucket_name: My_Bucket",
                            "bucket_name 'My_Bucket' is not a valid bucket name (3-63 lower-case letters, digits, dots and hyphens)."),
                    arguments("  region: eu-west",
                            "region 'eu-west' is not a region name such as 'us-east-1'."),
                    arguments("  storage_class: FAST",
                            "storage_class 'FAST' is not a storage class; use one of STANDARD, "),
                    arguments("  storage_class: [STANDARD]",
                            "storage_class must be a single value, not a list."),
                    arguments("  encryption: aes256",
                            "encryption 'aes256' is not supported; use AES256, aws:kms or aws:kms:dsse, or leave it out"),
                    arguments("  encryption: aws:kms",
                            "encryption 'aws:kms' needs kms_key_id: the KMS key id, ARN or alias (alias/aws/s3 for the AWS managed key)."),
                    arguments("  kms_key_id: alias/models",
                            "kms_key_id is set but the batch's encryption is the bucket's default, not aws:kms or aws:kms:dsse;"),
                    arguments("  bucket_key: maybe",
                            "bucket_key 'maybe' is not true or false."),
                    arguments("  bucket_key: true",
                            "bucket_key applies to SSE-KMS only, and the batch's encryption is the bucket's default;"),
                    arguments("  compression: lz4",
                            "compression 'lz4' is not supported; use zstd, gzip or none."),
                    arguments("  retention: 10",
                            "retention must be a mapping such as { keep_last: 10, max_age_days: 180 }, not a single value."),
                    arguments("  retention: { keep_last: 0 }",
                            "keep_last '0' is not a whole number of at least 1; use null to keep any number of versions."),
                    arguments("  retention: { max_age_days: -3 }",
                            "max_age_days '-3' is not a whole number of at least 1; use null to keep versions of any age."),
                    arguments("  retention: { keep_last: 2.5 }",
                            "keep_last '2.5' is not a whole number of at least 1;"),
                    arguments("  retention: { keep_last: 99999999999 }",
                            "keep_last '99999999999' is not a whole number of at least 1;"),
                    arguments("  prefix: again/",
                            "prefix appears a second time in model_store_params (first at line 4); keep only one."),
                    arguments("  <<: { region: eu-west-1 }",
                            "merge keys (<<) are not supported in model_store_params; write the keys out."),
                    arguments("  pickle: enforce",
                            "pickle must be a mapping such as { policy: enforce, allow: [\"mycompany.models.*\"] }, not a single value."),
                    arguments("  pickle: { policy: lenient }",
                            "pickle.policy 'lenient' is not a pickle policy; use enforce, report or off."),
                    arguments("  pickle: { allow: [\"os.system\"] }",
                            "pickle.allow: 'os.system' can run code or touch files, sockets or processes and is never allowed"),
                    arguments("  pickle: { allow: [\"numpy\"] }",
                            "pickle.allow: 'numpy' is not a global: write module.name, module:dotted.name or module.* (its classes)."));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("invalidValues")
        void eachInvalidValueIsOneSentenceNamingFileAndLine(String line, String sentence) throws IOException {
            Path file = write("batches/cpu.yaml", withLine5(line));

            List<String> problems = problems();

            assertThat(problems).hasSize(1);
            assertThat(problems.get(0)).startsWith(file + " line 5: " + sentence);
            assertOneSentence(problems.get(0));
        }

        @ParameterizedTest
        @MethodSource("invalidPrefixes")
        void rejectsPrefixesThatAreNotFolderNamesEndingInSlash(String prefix) throws IOException {
            Path file = write("cpu.yaml", "metric_batch: cpu\nmodel_store_params:\n  prefix: \"" + prefix + "\"\n");

            assertThat(problems()).containsExactly(file + " line 3: prefix '" + prefix + "' must be empty or folder names "
                    + "(letters, digits, '.', '_', '-', but not '.' or '..') each ending in '/', such as 'models/' or 'models/production/'.");
        }

        static Stream<String> invalidPrefixes() {
            return Stream.of("models", "/models/", "models//", "../", "models/../", "mod els/");
        }

        @Test
        void reportsTheLineOfTheValueInABlockMapping() throws IOException {
            Path file = write("cpu.yaml", """
                    metric_batch: cpu
                    ingest_sql: >
                      select 1
                    model_store_params:
                      retention:
                        keep_last: 10
                        max_age_days: zero
                    """);

            assertThat(problems()).containsExactly(file + " line 7: max_age_days 'zero' is not a whole number of at least 1; "
                    + "use null to keep versions of any age.");
        }

        @Test
        void aKeyForAes256IsReportedAtTheKeysLine() throws IOException {
            Path file = write("cpu.yaml", """
                    metric_batch: cpu
                    model_store_params:
                      encryption: AES256
                      kms_key_id: alias/models
                    """);

            assertThat(problems()).containsExactly(file + " line 4: kms_key_id is set but the batch's encryption is AES256, "
                    + "not aws:kms or aws:kms:dsse; set encryption: aws:kms to use the key, or remove kms_key_id.");
        }

        @Test
        void aFileWithoutMetricBatchIsReportedWithTheFile() throws IOException {
            Path file = write("cpu.yaml", "db: duckdb\nmodel_store_params:\n  prefix: models/\n");

            assertThat(problems()).containsExactly(file + ": there is no metric_batch; every batch file must name its batch, "
                    + "as in metric_batch: \"my_batch\".");
        }

        @Test
        void anEmptyFileIsReported() throws IOException {
            Path file = write("cpu.yaml", "# nothing yet\n");

            assertThat(problems()).singleElement().asString().startsWith(file + ": the file is empty;");
        }

        @Test
        void anInvalidBatchNameIsReportedWithItsLine() throws IOException {
            Path file = write("cpu.yaml", "# CPU metrics\nmetric_batch: \"cpu usage\"\n");

            assertThat(problems()).containsExactly(file + " line 2: metric_batch 'cpu usage' is not a valid batch name: "
                    + "it must match [A-Za-z0-9][A-Za-z0-9._-]{0,127}.");
        }

        @Test
        void twoFilesDeclaringTheSameBatchAreReportedNamingBoth() throws IOException {
            Path first = write("a/cpu.yaml", "metric_batch: cpu\n");
            Path second = write("b/cpu_copy.yml", "# a copy\nmetric_batch: cpu\n");

            assertThat(problems()).containsExactly(second + " line 2: metric_batch 'cpu' is already declared in " + first
                    + " line 1; each batch must be declared in one file only.");
        }

        @Test
        void aYamlSyntaxErrorIsReportedWithFileAndLine() throws IOException {
            Path file = write("cpu.yaml", """
                    metric_batch: cpu
                    model_store_params:
                      prefix: models/
                     region: us-east-1
                    """);

            List<String> problems = problems();

            assertThat(problems).containsExactly(file + " line 4: this is not valid YAML "
                    + "(expected <block end>, but found '<block mapping start>').");
        }

        @Test
        void tabsMultipleDocumentsAndNonUtf8TextAreReportedToo() throws IOException {
            Path tabs = write("tabs.yaml", "metric_batch: tabs\nmodel_store_params:\n\tprefix: x/\n");
            Path documents = write("documents.yaml", "metric_batch: one\n---\nmetric_batch: two\n");
            Path latin1 = dir.resolve("latin1.yaml");
            Files.write(latin1, "metric_batch: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

            List<String> problems = problems();

            assertThat(problems).hasSize(3);
            assertThat(problems.get(0)).startsWith(documents + " line 2: this is not valid YAML (but found another document");
            assertThat(problems.get(1)).isEqualTo(latin1 + ": this is not UTF-8 text; save the file as UTF-8.");
            assertThat(problems.get(2)).startsWith(tabs + " line 3: this is not valid YAML (found character '\\t(TAB)'");
        }

        @Test
        void topLevelValuesOfTheWrongShapeAreReported() throws IOException {
            Path list = write("list.yaml", "- metric_batch: cpu\n");
            Path params = write("params.yaml", "metric_batch: params\nmodel_store_params: \"bucket_name=x\"\n");
            Path store = write("store.yaml", "metric_batch: store\nmodel_store: [s3]\n");
            Path twice = write("twice.yaml", "metric_batch: twice\ndb: duckdb\nmetric_batch: again\n");

            assertThat(problems()).containsExactly(
                    list + " line 1: the file must be a mapping of keys such as metric_batch, not a list.",
                    params + " line 2: model_store_params must be a mapping of keys such as bucket_name and prefix, not a single value.",
                    store + " line 2: model_store must be a single value, not a list.",
                    twice + " line 3: metric_batch appears a second time (first at line 1); keep only one.");
        }

        @Test
        void everyProblemInEveryFileIsReportedTogether() throws IOException {
            Path cpu = write("cpu.yaml", """
                    metric_batch: cpu
                    model_store_params:
                      storage_class: FAST
                      compression: brotli
                      retention: { keep_last: 0, max_age_days: 0 }
                    """);
            Path nameless = write("team/nameless.yml", "db: duckdb\n");
            Path memory = write("team/memory.yaml", "metric_batch: memory\nmodel_store_params:\n  region: mars-1\n");
            write("valid.yaml", "metric_batch: valid\n");

            InvalidBatchPoliciesException e = catchThrowableOfType(InvalidBatchPoliciesException.class, BatchPolicyLoaderTest.this::load);

            assertThat(e.problems()).containsExactly(
                    cpu + " line 3: storage_class 'FAST' is not a storage class; use one of " + io.anomstack.modelstore.storage.S3SettingRules.storageClassNames() + ".",
                    cpu + " line 4: compression 'brotli' is not supported; use zstd, gzip or none.",
                    cpu + " line 5: keep_last '0' is not a whole number of at least 1; use null to keep any number of versions.",
                    cpu + " line 5: max_age_days '0' is not a whole number of at least 1; use null to keep versions of any age.",
                    memory + " line 3: region 'mars-1' is not a region name such as 'us-east-1'.",
                    nameless + ": there is no metric_batch; every batch file must name its batch, as in metric_batch: \"my_batch\".");
            e.problems().forEach(BatchPolicyLoaderTest::assertOneSentence);
            assertThat(e.getMessage()).isEqualTo("The batch policy files in " + dir + " (MODELSTORE_BATCHES_DIR) have 6 problems:\n"
                    + String.join("\n", e.problems()));
        }

        @Test
        void aMissingDirectoryIsReportedByName() {
            Path missing = dir.resolve("no-such-dir");

            assertThatThrownBy(() -> BatchPolicyLoader.load(missing, DEFAULTS))
                    .isInstanceOf(InvalidBatchPoliciesException.class)
                    .hasMessage("The batch policy directory '" + missing + "' (MODELSTORE_BATCHES_DIR) does not exist; "
                            + "create it, correct the path, or leave the variable unset.");
        }

        @Test
        void aFileInsteadOfADirectoryIsReportedByName() throws IOException {
            Path file = write("cpu.yaml", "metric_batch: cpu\n");

            assertThatThrownBy(() -> BatchPolicyLoader.load(file, DEFAULTS))
                    .isInstanceOf(InvalidBatchPoliciesException.class)
                    .hasMessageStartingWith("The batch policy path '" + file + "' (MODELSTORE_BATCHES_DIR) is not a directory;");
        }
    }
}
