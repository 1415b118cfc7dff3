package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.LatestChange;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metadata documents in S3 are read by other tools (and by Anomstack itself), so their JSON shape is a
 * contract: snake_case names, ISO-8601 UTC timestamps, nulls written out. Checked with a plain Jackson 3 mapper
 * and with the mapper Spring Boot auto-configures, which is the one the service actually uses.
 */
class DescriptorCodecTest {

    private static final List<String> FIELDS = List.of("batch", "metric", "tag", "version", "created_at", "size_bytes",
            "stored_bytes", "sha256", "content_type", "content_encoding", "storage_class", "encryption", "bucket", "key",
            "metadata");

    static Stream<Named<JsonMapper>> mappers() {
        return Stream.of(Named.of("plain JsonMapper", JsonMapper.builder().build()),
                Named.of("Spring Boot's JsonMapper", bootJsonMapper()));
    }

    static JsonMapper bootJsonMapper() {
        AtomicReference<JsonMapper> mapper = new AtomicReference<>();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
                .run(context -> mapper.set(context.getBean(JsonMapper.class)));
        return mapper.get();
    }

    static ModelDescriptor tagged() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("n_components", 3);
        metadata.put("git_sha", "4f2a9c1");
        metadata.put("score", 0.875);
        metadata.put("enabled", true);
        metadata.put("nothing", null);
        metadata.put("training", Map.of("rows", 10_000, "window", Map.of("days", 30, "metrics", List.of("cpu", "memory"))));
        metadata.put("thresholds", List.of(1, 2.5, "high", List.of(), Map.of()));
        return new ModelDescriptor("my_batch", "cpu_usage", "pca_default", "20250131_235959_01",
                Instant.parse("2025-01-31T23:59:59.123Z"), 1_048_576L, 524_288L,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "application/octet-stream", "gzip",
                "STANDARD_IA", new ModelDescriptor.Encryption("aws:kms", "arn:aws:kms:us-east-1:111122223333:key/abc", true),
                "your-anomstack-models-bucket", "models/my_batch/cpu_usage/pca_default/model_20250131_235959_01.pkl", metadata, null);
    }

    static ModelDescriptor untaggedUnencrypted() {
        return new ModelDescriptor("my_batch", "cpu_usage", null, "20250131_235959",
                Instant.parse("2025-01-31T23:59:59Z"), 3L, 3L,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "application/octet-stream", "identity",
                "STANDARD", null, "bucket", "models/my_batch/cpu_usage/model_20250131_235959.pkl", Map.of(), null);
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void writesExactlyTheSnakeCaseFieldsInDocumentOrder(JsonMapper mapper) {
        JsonNode json = writeTree(mapper, tagged());

        assertThat(fieldNames(json)).containsExactlyElementsOf(FIELDS);
        assertThat(fieldNames(json.get("encryption"))).containsExactly("algorithm", "kms_key_id", "bucket_key");
        assertThat(json.get("batch").asString()).isEqualTo("my_batch");
        assertThat(json.get("metric").asString()).isEqualTo("cpu_usage");
        assertThat(json.get("tag").asString()).isEqualTo("pca_default");
        assertThat(json.get("version").asString()).isEqualTo("20250131_235959_01");
        assertThat(json.get("size_bytes").isIntegralNumber()).isTrue();
        assertThat(json.get("size_bytes").asLong()).isEqualTo(1_048_576L);
        assertThat(json.get("stored_bytes").asLong()).isEqualTo(524_288L);
        assertThat(json.get("sha256").asString()).hasSize(64);
        assertThat(json.get("content_type").asString()).isEqualTo("application/octet-stream");
        assertThat(json.get("content_encoding").asString()).isEqualTo("gzip");
        assertThat(json.get("storage_class").asString()).isEqualTo("STANDARD_IA");
        assertThat(json.get("encryption").get("algorithm").asString()).isEqualTo("aws:kms");
        assertThat(json.get("encryption").get("kms_key_id").asString()).isEqualTo("arn:aws:kms:us-east-1:111122223333:key/abc");
        assertThat(json.get("bucket").asString()).isEqualTo("your-anomstack-models-bucket");
        assertThat(json.get("key").asString()).isEqualTo("models/my_batch/cpu_usage/pca_default/model_20250131_235959_01.pkl");
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void writesCreatedAtAsAnIso8601UtcString(JsonMapper mapper) {
        assertThat(writeTree(mapper, tagged()).get("created_at").isString()).isTrue();
        assertThat(writeTree(mapper, tagged()).get("created_at").asString()).isEqualTo("2025-01-31T23:59:59.123Z");
        assertThat(writeTree(mapper, untaggedUnencrypted()).get("created_at").asString()).isEqualTo("2025-01-31T23:59:59Z");
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void writesAMissingTagAndEncryptionAsExplicitNulls(JsonMapper mapper) {
        JsonNode json = writeTree(mapper, untaggedUnencrypted());

        assertThat(fieldNames(json)).containsExactlyElementsOf(FIELDS);
        assertThat(json.get("tag").isNull()).isTrue();
        assertThat(json.get("encryption").isNull()).isTrue();
        assertThat(json.get("metadata").isObject()).isTrue();
        assertThat(json.get("metadata").isEmpty()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void keepsTheUploadersNestedMetadataAsWritten(JsonMapper mapper) {
        JsonNode metadata = writeTree(mapper, tagged()).get("metadata");

        assertThat(fieldNames(metadata)).containsExactly("n_components", "git_sha", "score", "enabled", "nothing",
                "training", "thresholds");
        assertThat(metadata.get("n_components").asInt()).isEqualTo(3);
        assertThat(metadata.get("nothing").isNull()).isTrue();
        assertThat(metadata.at("/training/window/days").asInt()).isEqualTo(30);
        assertThat(metadata.at("/training/window/metrics/1").asString()).isEqualTo("memory");
        assertThat(metadata.at("/thresholds/1").asDouble()).isEqualTo(2.5);
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void readsBackWhatItWrote(JsonMapper mapper) {
        DescriptorCodec codec = new DescriptorCodec(mapper);

        assertThat(codec.read(codec.write(tagged()))).isEqualTo(tagged());
        assertThat(codec.read(codec.write(untaggedUnencrypted()))).isEqualTo(untaggedUnencrypted());
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void readsADocumentWrittenByHand(JsonMapper mapper) {
        String json = """
                {"batch": "b", "metric": "m", "tag": null, "version": "20250131_235959",
                 "created_at": "2025-01-31T23:59:59Z", "size_bytes": 3, "stored_bytes": 3, "sha256": "abc",
                 "content_type": "application/octet-stream", "content_encoding": "identity", "storage_class": "STANDARD",
                 "encryption": {"algorithm": "AES256", "kms_key_id": null}, "bucket": "bucket",
                 "key": "models/b/m/model_20250131_235959.pkl", "metadata": {"a": {"b": [1, "two"]}}}
                """;

        ModelDescriptor read = new DescriptorCodec(mapper).read(json.getBytes(StandardCharsets.UTF_8));

        assertThat(read.createdAt()).isEqualTo(Instant.parse("2025-01-31T23:59:59Z"));
        assertThat(read.tag()).isNull();
        assertThat(read.encryption()).isEqualTo(new ModelDescriptor.Encryption("AES256", null, null));
        assertThat(read.metadata()).isEqualTo(Map.of("a", Map.of("b", List.of(1, "two"))));
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void readsADocumentThatHasFieldsThisVersionDoesNotKnow(JsonMapper mapper) {
        String json = new String(new DescriptorCodec(mapper).write(untaggedUnencrypted()), StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"written_by\": \"a newer service\", ");

        assertThat(new DescriptorCodec(mapper).read(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(untaggedUnencrypted());
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void aLatestPointerIsTheDescriptorWithItsHistoryWhichADescriptorReaderIgnores(JsonMapper mapper) {
        DescriptorCodec codec = new DescriptorCodec(mapper);
        List<LatestChange> history = List.of(
                new LatestChange("20250131_235959_01", Instant.parse("2025-02-01T08:00:00Z"), LatestChange.Cause.ROLLBACK),
                new LatestChange("20250201_070000", Instant.parse("2025-02-01T07:00:01Z"), LatestChange.Cause.UPLOAD));

        byte[] pointer = codec.writeLatest(tagged().asLatest(true), history);

        assertThat(codec.readLatest(pointer, "etag")).isEqualTo(new LatestPointer(tagged().asLatest(true), history, "etag"));
        assertThat(mapper.readTree(pointer).at("/latest_history/0/cause").asString()).isEqualTo("rollback");
        assertThat(codec.read(pointer)).as("what a replica of an earlier release reads").isEqualTo(tagged().asLatest(true));
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void aPointerWrittenBeforeTheHistoryWasKeptReadsWithAnEmptyOne(JsonMapper mapper) {
        DescriptorCodec codec = new DescriptorCodec(mapper);

        assertThat(codec.readLatest(codec.write(tagged().asLatest(false)), "etag").history()).isEmpty();
    }

    @Test
    void bootsMapperWritesTheSameBytesAsAPlainMapper() {
        assertThat(new String(new DescriptorCodec(bootJsonMapper()).write(tagged()), StandardCharsets.UTF_8))
                .isEqualTo(new String(new DescriptorCodec(JsonMapper.builder().build()).write(tagged()), StandardCharsets.UTF_8));
    }

    private static JsonNode writeTree(JsonMapper mapper, ModelDescriptor descriptor) {
        return mapper.readTree(new DescriptorCodec(mapper).write(descriptor));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
