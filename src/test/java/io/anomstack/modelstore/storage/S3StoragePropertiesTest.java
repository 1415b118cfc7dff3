package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.ModelStoreApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.util.unit.DataSize;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A bad setting stops the service at start with one sentence naming what to fix. */
class S3StoragePropertiesTest {

    private static final DataSize PART = DataSize.ofMegabytes(8);

    /** Valid settings for production mode; each test changes one of them. */
    private static S3StorageProperties properties(String bucket, String prefix, String region, String endpoint,
                                                  String storageClass, String sse, String kmsKeyId, DataSize partSize) {
        return new S3StorageProperties(bucket, prefix, region, endpoint, storageClass, sse, kmsKeyId, partSize);
    }

    private static S3StorageProperties bound(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("modelstore.s3", S3StorageProperties.class);
    }

    private static void assertOneSentence(Throwable e, String... mentions) {
        assertThat(e).isInstanceOf(IllegalArgumentException.class);
        assertThat(e.getMessage()).contains(mentions).endsWith(".").doesNotContain("\n");
        assertThat(e.getMessage().substring(0, e.getMessage().length() - 1))
                .as("one sentence")
                .doesNotContainPattern("\\.\\s+[A-Z]");
    }

    @Test
    void defaultsToLocalModeWithModelsPrefixInUsEast1StandardStorageNoEncryptionAnd8MbParts() {
        S3StorageProperties defaults = bound(Map.of());

        assertThat(defaults.bucket()).isNull();
        assertThat(defaults.localMode()).isTrue();
        assertThat(defaults.prefix()).isEqualTo("models/");
        assertThat(defaults.region()).isEqualTo("us-east-1");
        assertThat(defaults.endpoint()).isNull();
        assertThat(defaults.endpointUri()).isNull();
        assertThat(defaults.storageClass()).isEqualTo("STANDARD");
        assertThat(defaults.sse()).isNull();
        assertThat(defaults.sseKmsKeyId()).isNull();
        assertThat(defaults.partSize()).isEqualTo(DataSize.ofMegabytes(8));
    }

    @Test
    void blankEnvironmentVariablesMeanUnset() {
        // application.yml maps unset variables to empty strings.
        S3StorageProperties blank = properties(" ", "models/", "us-east-1", "", "", " ", "", PART);

        assertThat(blank.bucket()).isNull();
        assertThat(blank.localMode()).isTrue();
        assertThat(blank.endpoint()).isNull();
        assertThat(blank.storageClass()).isEqualTo("STANDARD");
        assertThat(blank.sse()).isNull();
        assertThat(blank.sseKmsKeyId()).isNull();
    }

    @Test
    void acceptsACompleteProductionConfiguration() {
        S3StorageProperties production = bound(Map.of(
                "modelstore.s3.bucket", "your-anomstack-models-bucket",
                "modelstore.s3.prefix", "models/production/",
                "modelstore.s3.region", "eu-central-1",
                "modelstore.s3.endpoint", "https://s3.eu-central-1.amazonaws.com",
                "modelstore.s3.storage-class", "intelligent_tiering",
                "modelstore.s3.sse", "aws:kms",
                "modelstore.s3.sse-kms-key-id", "alias/aws/s3",
                "modelstore.s3.part-size", "16MB"));

        assertThat(production.localMode()).isFalse();
        assertThat(production.bucket()).isEqualTo("your-anomstack-models-bucket");
        assertThat(production.prefix()).isEqualTo("models/production/");
        assertThat(production.region()).isEqualTo("eu-central-1");
        assertThat(production.endpointUri()).isEqualTo(URI.create("https://s3.eu-central-1.amazonaws.com"));
        assertThat(production.storageClass()).isEqualTo("INTELLIGENT_TIERING");
        assertThat(production.sse()).isEqualTo("aws:kms");
        assertThat(production.sseKmsKeyId()).isEqualTo("alias/aws/s3");
        assertThat(production.partSize()).isEqualTo(DataSize.ofMegabytes(16));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "models/", "models/production/", "a.b_c-d/", "2025/"})
    void acceptsAnEmptyPrefixOrFolderNamesEndingInSlash(String prefix) {
        assertThat(properties("bucket", prefix, "us-east-1", null, null, null, null, PART).prefix()).isEqualTo(prefix);
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1", "cn-northwest-1", "il-central-1"})
    void acceptsRegionNames(String region) {
        assertThat(properties("bucket", "models/", region, null, null, null, null, PART).region()).isEqualTo(region);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:9000", "https://minio.example.com", "http://127.0.0.1:4566/", "http://minio:9000"})
    void acceptsHttpAndHttpsEndpointsWithAHost(String endpoint) {
        assertThat(properties("bucket", "models/", "us-east-1", endpoint, null, null, null, PART).endpointUri())
                .isEqualTo(URI.create(endpoint));
    }

    @ParameterizedTest
    @ValueSource(strings = {"STANDARD", "standard", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR"})
    void acceptsStorageClassesInAnyCase(String storageClass) {
        assertThat(properties("bucket", "models/", "us-east-1", null, storageClass, null, null, PART).storageClass())
                .isEqualTo(storageClass.toUpperCase());
    }

    @Test
    void acceptsEachEncryptionWithTheKeyItNeeds() {
        assertThat(properties("bucket", "models/", "us-east-1", null, null, "AES256", null, PART).sse()).isEqualTo("AES256");
        assertThat(properties("bucket", "models/", "us-east-1", null, null, "aws:kms", "alias/models", PART).sseKmsKeyId())
                .isEqualTo("alias/models");
        assertThat(properties("bucket", "models/", "us-east-1", null, null, "aws:kms:dsse", "arn:aws:kms:us-east-1:1:key/k", PART)
                .sse()).isEqualTo("aws:kms:dsse");
    }

    @Test
    void rejectsAnUnknownStorageClassListingTheValidOnes() {
        Throwable e = catchThrowable(() -> properties("bucket", "models/", "us-east-1", null, "FAST", null, null, PART));

        assertOneSentence(e, "S3_STORAGE_CLASS", "'FAST'", "STANDARD", "STANDARD_IA", "GLACIER");
        assertThat(e.getMessage()).doesNotContain("UNKNOWN_TO_SDK_VERSION");
    }

    @Test
    void rejectsAnUnknownEncryption() {
        assertOneSentence(catchThrowable(() -> properties("bucket", "models/", "us-east-1", null, null, "aes-256", null, PART)),
                "S3_SSE", "'aes-256'", "AES256", "aws:kms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws:kms", "aws:kms:dsse"})
    void rejectsKmsEncryptionWithoutAKey(String sse) {
        assertOneSentence(catchThrowable(() -> properties("bucket", "models/", "us-east-1", null, null, sse, null, PART)),
                "S3_SSE=" + sse, "needs S3_SSE_KMS_KEY_ID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "AES256"})
    void rejectsAKmsKeyWithoutKmsEncryption(String sse) {
        assertOneSentence(catchThrowable(() -> properties("bucket", "models/", "us-east-1", null, null, sse, "alias/models", PART)),
                "S3_SSE_KMS_KEY_ID", "S3_SSE=aws:kms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:9000", "minio.example.com", "ftp://localhost:9000", "file:///tmp/s3", "not a url",
            "http://", "http:///path", "//localhost:9000"})
    void rejectsEndpointsThatAreNotHttpUrlsWithAHost(String endpoint) {
        assertOneSentence(catchThrowable(() -> properties("bucket", "models/", "us-east-1", endpoint, null, null, null, PART)),
                "S3_ENDPOINT", "'" + endpoint + "'", "http://localhost:9000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "My-Bucket", "bucket_name", "-bucket", "bucket-", "s3://bucket", "bucket/models",
            "a-bucket-name-that-is-far-too-long-to-be-accepted-by-amazon-s3-x"})
    void rejectsInvalidBucketNames(String bucket) {
        assertOneSentence(catchThrowable(() -> properties(bucket, "models/", "us-east-1", null, null, null, null, PART)),
                "S3_BUCKET_NAME", "'" + bucket + "'", "not a valid bucket name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"models", "/models/", "models//", "models/production", "../", "./", "models/../", "../models/",
            "models/./", "mod els/", "modèles/"})
    void rejectsPrefixesThatAreNotFolderNamesEndingInSlash(String prefix) {
        assertOneSentence(catchThrowable(() -> properties("bucket", prefix, "us-east-1", null, null, null, null, PART)),
                "S3_PREFIX", "'" + prefix + "'", "'models/'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "US-EAST-1", "useast1", "us-east", "eu_west_1", "us-east-1a", "global"})
    void rejectsNamesThatAreNotRegions(String region) {
        assertOneSentence(catchThrowable(() -> properties("bucket", "models/", region, null, null, null, null, PART)),
                "region '" + region + "'", "AWS_REGION");
    }

    @Test
    void rejectsPartsSmallerThan5MbOrLargerThan512Mb() {
        assertOneSentence(catchThrowable(() -> properties("bucket", "models/", "us-east-1", null, null, null, null,
                DataSize.ofBytes(5L * 1024 * 1024 - 1))), "MODELSTORE_S3_PART_SIZE", "between 5MB");
        assertOneSentence(catchThrowable(() -> properties("bucket", "models/", "us-east-1", null, null, null, null,
                DataSize.ofGigabytes(3))), "MODELSTORE_S3_PART_SIZE", "512MB");
        assertThat(properties("bucket", "models/", "us-east-1", null, null, null, null, DataSize.ofMegabytes(5)).partSize())
                .isEqualTo(DataSize.ofMegabytes(5));
    }

    @Test
    void aBadSettingStopsTheApplicationWithThatOneSentenceAsRootCause() {
        Throwable failure = catchThrowable(() -> {
            ConfigurableApplicationContext context = new SpringApplicationBuilder(ModelStoreApplication.class)
                    .run("--server.port=0", "--modelstore.s3.bucket=some-bucket", "--modelstore.s3.storage-class=FAST");
            context.close();
        });

        assertThat(failure).as("the application must not start").isNotNull();
        Throwable root = NestedExceptionUtils.getRootCause(failure);
        assertThat(root).isInstanceOf(IllegalArgumentException.class);
        assertThat(root.getMessage()).startsWith("S3_STORAGE_CLASS 'FAST' is not a storage class; use one of STANDARD");
        assertOneSentence(root, "S3_STORAGE_CLASS");
    }

    @Test
    void bindingReportsTheSameSentence() {
        assertThatThrownBy(() -> bound(Map.of("modelstore.s3.bucket", "some-bucket", "modelstore.s3.sse", "aws:kms")))
                .rootCause()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("S3_SSE=aws:kms needs S3_SSE_KMS_KEY_ID");
    }
}
