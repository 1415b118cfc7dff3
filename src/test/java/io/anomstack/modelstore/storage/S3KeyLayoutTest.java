package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.InvalidNameException;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.VersionId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The key layout of the Anomstack AWS integration design. */
class S3KeyLayoutTest {

    private static final ModelRef UNTAGGED = ModelRef.of("my_batch", "cpu_usage");
    private static final ModelRef TAGGED = new ModelRef("my_batch", "cpu_usage", "pca_default");
    private static final VersionId VERSION = VersionId.parse("20250131_235959");
    private static final VersionId SAME_SECOND = VersionId.parse("20250131_235959_01");

    private final S3KeyLayout layout = new S3KeyLayout("models/");

    @Test
    void untaggedModelsLiveInTheMetricFolder() {
        assertThat(layout.modelKey(UNTAGGED, VERSION, "pkl")).isEqualTo("models/my_batch/cpu_usage/model_20250131_235959.pkl");
        assertThat(layout.modelKey(UNTAGGED, SAME_SECOND, "joblib"))
                .isEqualTo("models/my_batch/cpu_usage/model_20250131_235959_01.joblib");
        assertThat(layout.metadataKey(UNTAGGED, VERSION)).isEqualTo("models/my_batch/cpu_usage/metadata_20250131_235959.json");
        assertThat(layout.latestKey(UNTAGGED)).isEqualTo("models/my_batch/cpu_usage/_latest.json");
        assertThat(layout.metadataKeyPrefix(UNTAGGED)).isEqualTo("models/my_batch/cpu_usage/metadata_");
        assertThat(layout.modelFolder(UNTAGGED)).isEqualTo("models/my_batch/cpu_usage/");
        assertThat(layout.batchFolder("my_batch")).isEqualTo("models/my_batch/");
    }

    @Test
    void taggedModelsLiveOneFolderDeeper() {
        assertThat(layout.modelKey(TAGGED, VERSION, "pkl"))
                .isEqualTo("models/my_batch/cpu_usage/pca_default/model_20250131_235959.pkl");
        assertThat(layout.metadataKey(TAGGED, SAME_SECOND))
                .isEqualTo("models/my_batch/cpu_usage/pca_default/metadata_20250131_235959_01.json");
        assertThat(layout.latestKey(TAGGED)).isEqualTo("models/my_batch/cpu_usage/pca_default/_latest.json");
        assertThat(layout.metadataKeyPrefix(TAGGED)).isEqualTo("models/my_batch/cpu_usage/pca_default/metadata_");
    }

    @Test
    void theUntaggedMetadataPrefixMatchesNoTaggedModelsKeys() {
        assertThat(layout.metadataKey(TAGGED, VERSION)).doesNotStartWith(layout.metadataKeyPrefix(UNTAGGED));
        assertThat(layout.latestKey(TAGGED)).doesNotStartWith(layout.metadataKeyPrefix(UNTAGGED));
    }

    @Test
    void anEmptyPrefixPutsBatchesAtTheBucketRoot() {
        S3KeyLayout atRoot = new S3KeyLayout("");

        assertThat(atRoot.modelKey(UNTAGGED, VERSION, "pkl")).isEqualTo("my_batch/cpu_usage/model_20250131_235959.pkl");
        assertThat(atRoot.metadataKey(TAGGED, VERSION)).isEqualTo("my_batch/cpu_usage/pca_default/metadata_20250131_235959.json");
        assertThat(atRoot.latestKey(UNTAGGED)).isEqualTo("my_batch/cpu_usage/_latest.json");
        assertThat(atRoot.batchFolder("my_batch")).isEqualTo("my_batch/");
        assertThat(atRoot.modelOfLatestKey("my_batch", "my_batch/cpu_usage/_latest.json")).contains(UNTAGGED);
    }

    @Test
    void aNestedPrefixIsUsedAsGiven() {
        S3KeyLayout nested = new S3KeyLayout("models/production/");

        assertThat(nested.latestKey(TAGGED)).isEqualTo("models/production/my_batch/cpu_usage/pca_default/_latest.json");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "model", "model_without_extension", "dir.v2/model", "C:\\models.d\\model", "model.pkl/"})
    void theExtensionDefaultsToPkl(String fileName) {
        assertThat(S3KeyLayout.extensionOf(fileName)).isEqualTo("pkl");
    }

    @ParameterizedTest
    @CsvSource({
            "model.pkl, pkl",
            "model.joblib, joblib",
            "model.PKL, pkl",
            "Model.Joblib, joblib",
            "archive.tar.gz, gz",
            "model.v2.onnx, onnx",
            "/tmp/models/model.pt, pt",
            "../../etc/model.h5, h5",
            "C:\\Users\\me\\model.JOBLIB, joblib",
            ".pkl, pkl",
            "model.0123456789abcdef, 0123456789abcdef"})
    void theExtensionIsTheFileNamesLastExtensionLowerCased(String fileName, String extension) {
        assertThat(S3KeyLayout.extensionOf(fileName)).isEqualTo(extension);
    }

    @ParameterizedTest
    @ValueSource(strings = {"model.", "model.p kl", "model.tar-gz", "model.p_kl", "model.pkl%00",
            "model.ü", "model.0123456789abcdefg", "model.pkl\n"})
    void rejectsExtensionsThatAreNotOneTo16LettersOrDigits(String fileName) {
        assertThatThrownBy(() -> S3KeyLayout.extensionOf(fileName))
                .isInstanceOfSatisfying(InvalidNameException.class, e -> assertThat(e.kind()).isEqualTo("file extension"))
                .hasMessageContaining("must be 1 to 16 letters or digits");
    }

    @Test
    void readsTheVersionOfAMetadataKey() {
        assertThat(layout.versionOfMetadataKey(layout.metadataKey(UNTAGGED, VERSION))).contains(VERSION);
        assertThat(layout.versionOfMetadataKey(layout.metadataKey(TAGGED, SAME_SECOND))).contains(SAME_SECOND);
        assertThat(layout.versionOfMetadataKey("metadata_20250131_235959.json")).contains(VERSION);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "models/my_batch/cpu_usage/model_20250131_235959.pkl",
            "models/my_batch/cpu_usage/_latest.json",
            "models/my_batch/cpu_usage/metadata_latest.json",
            "models/my_batch/cpu_usage/metadata_.json",
            "models/my_batch/cpu_usage/metadata_20250131_235959.json.bak",
            "models/my_batch/cpu_usage/metadata_20250131_235959.JSON",
            "models/my_batch/cpu_usage/metadata_20250131_235959_1.json",
            "models/my_batch/cpu_usage/metadata_../20250131_235959.json",
            "models/my_batch/cpu_usage/copy of metadata_20250131_235959.json",
            "models/my_batch/cpu_usage/metadata_20250131_235959.json/",
            "models/my_batch/cpu_usage/",
            ""})
    void ignoresKeysThatAreNotMetadataDocumentsOfTheService(String key) {
        assertThat(layout.versionOfMetadataKey(key)).isEmpty();
    }

    @Test
    void namesTheMetadataDocumentOfAModelObject() {
        assertThat(layout.metadataKeyOfModelKey(layout.modelKey(UNTAGGED, VERSION, "pkl")))
                .contains(layout.metadataKey(UNTAGGED, VERSION));
        assertThat(layout.metadataKeyOfModelKey(layout.modelKey(TAGGED, SAME_SECOND, "onnx")))
                .contains(layout.metadataKey(TAGGED, SAME_SECOND));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "models/my_batch/cpu_usage/metadata_20250131_235959.json",
            "models/my_batch/cpu_usage/_latest.json",
            "models/my_batch/cpu_usage/model_notes.txt",
            "models/my_batch/cpu_usage/model_20250131_235959",
            "models/my_batch/cpu_usage/model_20250131_235959.p-kl",
            "models/my_batch/cpu_usage/model_20250131_235999.pkl",
            "models/my_batch/cpu_usage/copy of model_20250131_235959.pkl",
            "models/my_batch/cpu_usage/model_20250131_235959.pkl/",
            ""})
    void ignoresKeysThatAreNotModelObjectsOfTheService(String key) {
        assertThat(layout.metadataKeyOfModelKey(key)).isEmpty();
    }

    @Test
    void readsTheModelOfALatestPointerKey() {
        assertThat(layout.modelOfLatestKey("my_batch", layout.latestKey(UNTAGGED))).contains(UNTAGGED);
        assertThat(layout.modelOfLatestKey("my_batch", layout.latestKey(TAGGED))).contains(TAGGED);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "models/my_batch/cpu_usage/model_20250131_235959.pkl",
            "models/my_batch/cpu_usage/metadata_20250131_235959.json",
            "models/my_batch/cpu_usage/latest.json",
            "models/my_batch/cpu_usage/x_latest.json",
            "models/my_batch/cpu_usage/_latest.json.tmp",
            "models/other_batch/cpu_usage/_latest.json",
            "models/my_batch_2/cpu_usage/_latest.json",
            "other/my_batch/cpu_usage/_latest.json",
            "my_batch/cpu_usage/_latest.json",
            "models/my_batch/_latest.json",
            "models/my_batch//_latest.json",
            "models/my_batch/cpu_usage//_latest.json",
            "models/my_batch/cpu_usage/pca_default/deeper/_latest.json",
            "models/my_batch/.hidden/_latest.json",
            "models/my_batch/cpu usage/_latest.json",
            "models/my_batch/cpu_usage/model_pca/_latest.json",
            "models/my_batch/cpu_usage/_private/_latest.json"})
    void ignoresKeysThatAreNotLatestPointersOfTheBatchsModels(String key) {
        assertThat(layout.modelOfLatestKey("my_batch", key)).isEmpty();
    }
}
