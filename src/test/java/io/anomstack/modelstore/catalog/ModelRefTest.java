package io.anomstack.modelstore.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelRefTest {

    @Test
    void identifiesAnUntaggedModelByBatchAndMetric() {
        ModelRef ref = ModelRef.of("my_batch", "cpu_usage");

        assertThat(ref.batch()).isEqualTo("my_batch");
        assertThat(ref.metric()).isEqualTo("cpu_usage");
        assertThat(ref.tag()).isNull();
        assertThat(ref).hasToString("my_batch/cpu_usage");
    }

    @Test
    void identifiesATaggedModel() {
        ModelRef ref = new ModelRef("my_batch", "cpu_usage", "pca_default");

        assertThat(ref.tag()).isEqualTo("pca_default");
        assertThat(ref).hasToString("my_batch/cpu_usage?tag=pca_default");
    }

    @Test
    void anEmptyTagIsRefusedRatherThanTakenForTheUntaggedModel() {
        assertThatThrownBy(() -> new ModelRef("b", "m", "")).isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("leave the tag out");
        assertThat(new ModelRef("b", "m", null)).isEqualTo(ModelRef.of("b", "m"));
    }

    @Test
    void differentTagsAreDifferentModels() {
        assertThat(new ModelRef("b", "m", "x")).isNotEqualTo(new ModelRef("b", "m", "y")).isNotEqualTo(ModelRef.of("b", "m"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", ".x", "a/b", "x y", "ü"})
    void rejectsAnInvalidBatchNamingIt(String batch) {
        assertThatThrownBy(() -> ModelRef.of(batch, "cpu"))
                .isInstanceOfSatisfying(InvalidNameException.class, e -> assertThat(e.kind()).isEqualTo("batch"))
                .hasMessageStartingWith("Invalid batch '" + batch + "'");
    }

    @Test
    void rejectsAMissingBatch() {
        assertThatThrownBy(() -> ModelRef.of(null, "cpu"))
                .isInstanceOfSatisfying(InvalidNameException.class, e -> assertThat(e.kind()).isEqualTo("batch"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "-x", "a/b", "%2e%2e"})
    void rejectsAnInvalidMetricNamingIt(String metric) {
        assertThatThrownBy(() -> ModelRef.of("batch", metric))
                .isInstanceOfSatisfying(InvalidNameException.class, e -> assertThat(e.kind()).isEqualTo("metric"))
                .hasMessageStartingWith("Invalid metric '" + metric + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "a/b", "_latest.json", "model_pca", "metadata_pca", " "})
    void rejectsAnInvalidTagNamingIt(String tag) {
        assertThatThrownBy(() -> new ModelRef("batch", "cpu", tag))
                .isInstanceOfSatisfying(InvalidNameException.class, e -> assertThat(e.kind()).isEqualTo("tag"))
                .hasMessageStartingWith("Invalid tag '" + tag + "'");
    }
}
