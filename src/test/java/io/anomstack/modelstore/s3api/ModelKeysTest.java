package io.anomstack.modelstore.s3api;

import io.anomstack.modelstore.catalog.ModelRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rule between S3 keys and models: {@code {prefix}/{batch}/{metric}_{tag}.{ext}}, never a guess. */
class ModelKeysTest {

    /** iforest_v2 known everywhere (the setting), pca_tuned in batch "tuned" only (its file's model_configs). */
    private final ModelKeys keys = new ModelKeys("models", List.of("iforest_v2"),
            batch -> batch.equals("tuned") ? List.of("pca_tuned") : List.of());

    @Test
    void anomstacksKeyNamesTheMetricAndItsKnownTag() {
        ModelKeys.ModelKey key = keys.parse("models/my_batch/cpu_usage_pca_default.pkl");

        assertThat(key.model()).isEqualTo(new ModelRef("my_batch", "cpu_usage", "pca_default"));
        assertThat(key.extension()).isEqualTo("pkl");
        assertThat(keys.parse("models/my_batch/cpu_usage_knn_default.pkl").model().tag()).isEqualTo("knn_default");
    }

    @Test
    void configuredTagsAreKnownToo() {
        assertThat(keys.parse("models/b/cpu_iforest_v2.joblib").model()).isEqualTo(new ModelRef("b", "cpu", "iforest_v2"));
    }

    @Test
    void aBatchsModelConfigsTagsAreKnownInThatBatchOnly() {
        assertThat(keys.parse("models/tuned/cpu_pca_tuned.pkl").model()).isEqualTo(new ModelRef("tuned", "cpu", "pca_tuned"));
        assertThat(keys.parse("models/other/cpu_pca_tuned.pkl").model()).isEqualTo(new ModelRef("other", "cpu_pca_tuned", null));
    }

    @Test
    void withoutAKnownTagTheWholeStemIsTheMetric() {
        assertThat(keys.parse("models/b/cpu_usage_custom.pkl").model()).isEqualTo(new ModelRef("b", "cpu_usage_custom", null));
        assertThat(keys.parse("models/b/pca_default.pkl").model()).isEqualTo(new ModelRef("b", "pca_default", null));
        assertThat(keys.parse("models/b/cpu.v2.pkl").model()).isEqualTo(new ModelRef("b", "cpu.v2", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"models/b/cpu", "other/b/cpu.pkl", "models/cpu.pkl", "models/b/deeper/cpu.pkl", "models/b/.pkl",
            "models/b/cpu.PKL", "models/-b/cpu.pkl", "models/b/cpu%2F.pkl", "models//cpu.pkl", "models/b/cpu.toolongextension1234"})
    void keysThatNameNoModelAreRefused(String key) {
        assertThatThrownBy(() -> keys.parse(key)).isInstanceOf(ModelKeys.InvalidKeyException.class)
                .hasMessageContaining(key);
    }

    @Test
    void aModelsKeyNamesItAgain() {
        assertThat(keys.keyOf(new ModelRef("b", "cpu", "pca_default"), "pkl")).contains("models/b/cpu_pca_default.pkl");
        assertThat(keys.keyOf(new ModelRef("b", "cpu", null), "pkl")).contains("models/b/cpu.pkl");
    }

    @Test
    void aModelWhoseKeyWouldNameAnotherHasNone() {
        assertThat(keys.keyOf(new ModelRef("b", "cpu", "unknown_tag"), "pkl")).isEmpty();
        assertThat(keys.keyOf(new ModelRef("b", "cpu_pca_default", null), "pkl")).isEmpty();
    }

    @Test
    void anEmptyPrefixPutsBatchesAtTheBucketsRoot() {
        assertThat(new ModelKeys("", List.of(), batch -> List.of()).parse("b/cpu_pca_default.pkl").model())
                .isEqualTo(new ModelRef("b", "cpu", "pca_default"));
    }
}
