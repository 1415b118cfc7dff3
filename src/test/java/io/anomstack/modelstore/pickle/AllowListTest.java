package io.anomstack.modelstore.pickle;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** What the allow-list lets through: exact globals, classes of wildcard modules, and never the deny-list. */
class AllowListTest {

    @Test
    void theDefaultsAllowWhatRealModelsImportAndNothingThatRunsCode() {
        AllowList defaults = AllowList.defaults();
        assertThat(defaults.allows(new PickleGlobal("sklearn.ensemble._iforest", "IsolationForest"))).isTrue();
        assertThat(defaults.allows(new PickleGlobal("numpy.core.multiarray", "_reconstruct"))).isTrue();
        assertThat(defaults.allows(new PickleGlobal("pyod.models.iforest", "IForest"))).isTrue();
        assertThat(defaults.allows(new PickleGlobal("pyod.models.base", "load_model")))
                .as("a wildcard allows classes only").isFalse();
        assertThat(defaults.allows(new PickleGlobal("numpy", "load"))).isFalse();
        assertThat(defaults.allows(new PickleGlobal("numpy.core", "multiarray._reconstruct")))
                .as("a dotted name matches only an entry spelled module:dotted.name").isFalse();
        assertThat(defaults.allows(PickleGlobal.UNRESOLVED)).isFalse();
        assertThat(defaults.allows(PickleGlobal.extension(1))).isFalse();
    }

    @Test
    void anEntryCanLetAGlobalThroughButNeverADeniedOne() {
        AllowList custom = AllowList.defaults().with(List.of("mycompany.models.Detector", "mycompany.layers.*",
                "mycompany.models:Detector.Config"));
        assertThat(custom.allows(new PickleGlobal("mycompany.models", "Detector"))).isTrue();
        assertThat(custom.allows(new PickleGlobal("mycompany.models", "Detector.Config"))).isTrue();
        assertThat(custom.allows(new PickleGlobal("mycompany.layers.dense", "Dense"))).isTrue();
        assertThat(custom.allows(new PickleGlobal("mycompany.layers.dense", "load_weights"))).isFalse();
        assertThat(custom.allows(new PickleGlobal("mycompany.layers", "Dense.__init__"))).isFalse();
        for (String denied : List.of("os.system", "builtins.eval", "numpy.load", "numpy.testing.*", "subprocess.Popen",
                "posix.*", "sklearn:Pipeline.__reduce__", "numpy.lib.npyio.load")) {
            assertThatIllegalArgumentException().isThrownBy(() -> AllowList.defaults().with(List.of(denied)))
                    .withMessageContaining(denied);
        }
        for (String notAGlobal : List.of("numpy", "not a name", "os.", ".system", "module:name")) {
            assertThatIllegalArgumentException().isThrownBy(() -> AllowList.defaults().with(List.of(notAGlobal)));
        }
    }

    @Test
    void thePythonClientShipsTheSameAllowList() throws IOException {
        assertThat(Files.readString(Path.of("clients", "python", "anomstack_model_store", "allowed_globals.txt")))
                .isEqualTo(Files.readString(Path.of("src", "main", "resources", AllowList.RESOURCE)));
    }
}
