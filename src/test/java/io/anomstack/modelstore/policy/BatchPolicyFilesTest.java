package io.anomstack.modelstore.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which files of the policy directory are batch files, and in which order. */
class BatchPolicyFilesTest {

    @TempDir
    Path dir;

    private Path touch(String relative) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "metric_batch: x\n");
        return file;
    }

    @Test
    void findsYamlAndYmlFilesAtAnyDepthInPathOrderAndNothingElse() throws IOException {
        Path b = touch("b.yml");
        Path a = touch("team/a.YAML");
        Path c = touch("a.yaml");
        touch("README.md");
        touch("team/sql/train.sql");
        touch("notes.yaml.bak");
        touch(".hidden.yaml");
        touch(".git/config.yaml");

        BatchPolicyFiles files = BatchPolicyFiles.find(dir);

        assertThat(files.paths()).containsExactly(c, b, a);
        assertThat(files.problems()).isEmpty();
        assertThat(files.directory()).isEqualTo(dir);
    }

    @Test
    void aFolderLinkingBackToAParentIsReportedNotFollowed() throws IOException {
        Path cpu = touch("team/cpu.yaml");
        Path loop = Files.createSymbolicLink(dir.resolve("team/loop"), dir);

        BatchPolicyFiles files = BatchPolicyFiles.find(dir);

        assertThat(files.paths()).containsExactly(cpu);
        assertThat(files.problems()).containsExactly(
                loop + ": this folder links back to one of its parents, so it is not read; remove the link.");
    }

    @Test
    void aMissingDirectoryOrAFileIsReportedAtOnce() throws IOException {
        Path file = touch("cpu.yaml");

        assertThatThrownBy(() -> BatchPolicyFiles.find(dir.resolve("missing")))
                .isInstanceOf(InvalidBatchPoliciesException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> BatchPolicyFiles.find(file))
                .isInstanceOf(InvalidBatchPoliciesException.class).hasMessageContaining("is not a directory");
    }
}
