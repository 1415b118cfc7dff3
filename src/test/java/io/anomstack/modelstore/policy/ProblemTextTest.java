package io.anomstack.modelstore.policy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemTextTest {

    @Test
    void namesTheFileAndTheLineWhereThereIsOne() {
        assertThat(ProblemText.at(Path.of("b/cpu.yaml"), 5, "x is wrong.")).isEqualTo("b/cpu.yaml line 5: x is wrong.");
        assertThat(ProblemText.at(Path.of("b/cpu.yaml"), null, "x is wrong.")).isEqualTo("b/cpu.yaml: x is wrong.");
    }

    @Test
    void quotesValuesOnOneLineAndCutsLongOnes() {
        assertThat(ProblemText.quote("a\nb\tc")).isEqualTo("a?b?c");
        assertThat(ProblemText.quote("x".repeat(150))).isEqualTo("x".repeat(100) + "…");
    }

    @Test
    void describesAnExceptionOnOneLineWithoutItsFullStop() {
        assertThat(ProblemText.describe(new IOException("Permission\n  denied."))).isEqualTo("IOException: Permission denied");
        assertThat(ProblemText.describe(new IOException())).isEqualTo("IOException");
    }
}
