package io.anomstack.modelstore.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every name that becomes part of an S3 key obeys one rule, checked before any S3 call. */
class ModelNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "7", "cpu_usage", "my-batch", "model.v2", "A1._-z", "pca_default",
            "trailing.", "trailing-", "trailing_", "a..b"})
    void acceptsLettersDigitsDotsUnderscoresAndDashesStartingWithALetterOrDigit(String name) {
        assertThat(ModelNames.require("metric", name)).isEqualTo(name);
    }

    @Test
    void acceptsNamesOfUpTo128Characters() {
        String longest = "a".repeat(128);

        assertThat(ModelNames.require("batch", longest)).isEqualTo(longest);
    }

    @Test
    void rejectsNamesLongerThan128Characters() {
        assertThatThrownBy(() -> ModelNames.require("batch", "a".repeat(129)))
                .isInstanceOf(InvalidNameException.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void rejectsMissingAndEmptyNames(String name) {
        assertThatThrownBy(() -> ModelNames.require("batch", name)).isInstanceOf(InvalidNameException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "..", "../etc", ".hidden", "/", "a/b", "/abs", "a\\b", "..%2f", "%2e", "%2e%2e",
            "-rf", "_latest.json", "_private"})
    void rejectsNamesThatCouldEscapeTheModelFolder(String name) {
        assertThatThrownBy(() -> ModelNames.require("metric", name)).isInstanceOf(InvalidNameException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu usage", " cpu", "cpu ", "cpu\tusage", "cpu\nusage", "cpu\u0000", "cpu\r", "cpu\u007f",
            "cpü", "модель", "模型", "cpu\u00a0usage", "cpu\u2028", "emoji\uD83D\uDE00", "ｃｐｕ", "cpu?x", "cpu#x",
            "cpu*", "cpu:x"})
    void rejectsWhitespaceControlCharactersUnicodeAndPunctuation(String name) {
        assertThatThrownBy(() -> ModelNames.require("metric", name)).isInstanceOf(InvalidNameException.class);
    }

    @Test
    void theMessageNamesTheKindTheValueAndTheRule() {
        assertThatThrownBy(() -> ModelNames.require("metric", "a/b"))
                .isInstanceOfSatisfying(InvalidNameException.class, e -> {
                    assertThat(e.kind()).isEqualTo("metric");
                    assertThat(e.getMessage())
                            .startsWith("Invalid metric 'a/b'")
                            .contains(ModelNames.PATTERN);
                });
    }

    @Test
    void theMessageShowsControlCharactersAsQuestionMarksAndAbbreviatesLongValues() {
        assertThatThrownBy(() -> ModelNames.require("batch", "evil\r\nX-Injected: 1"))
                .hasMessageContaining("'evil??X-Injected: 1'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\r", "\n"));

        assertThatThrownBy(() -> ModelNames.require("batch", "x".repeat(10_000)))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400).contains("x".repeat(140) + "…"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pca_default", "iforest", "model", "metadata", "models_v2", "my_model_1", "latest"})
    void acceptsTagsThatDoNotLookLikeTheModelsOwnFiles(String tag) {
        assertThat(ModelNames.requireTag(tag)).isEqualTo(tag);
    }

    @ParameterizedTest
    @ValueSource(strings = {"model_", "model_pca", "model_20250131_235959.pkl", "metadata_", "metadata_x"})
    void rejectsTagsStartingWithModelOrMetadataPrefix(String tag) {
        assertThatThrownBy(() -> ModelNames.requireTag(tag))
                .isInstanceOfSatisfying(InvalidNameException.class, e -> assertThat(e.kind()).isEqualTo("tag"))
                .hasMessageContaining("Invalid tag '" + tag + "'")
                .hasMessageContaining("must not start with 'model_' or 'metadata_'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "a/b", "_x", "x y"})
    void tagsFollowTheGeneralNameRuleToo(String tag) {
        assertThatThrownBy(() -> ModelNames.requireTag(tag))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("Invalid tag")
                .hasMessageContaining(ModelNames.PATTERN);
    }
}
