package io.anomstack.modelstore.pickle;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every hostile pickle of src/test/resources/pickles/hostile (make_hostile.py) is refused, and the report names the
 * global it reaches for, whichever opcode route, memo trick, nesting or protocol it uses.
 */
class HostilePicklesTest {

    private static final int[] CHUNKS = {1, 3, 65536};

    @TestFactory
    Stream<DynamicTest> everyHostilePickleIsRefusedAndNamesWhatItImports() {
        return PickleFixtures.hostile().entrySet().stream().map(fixture -> DynamicTest.dynamicTest(fixture.getKey(), () -> {
            List<String> expected = fixture.getValue();
            PickleVerdict verdict = PickleVerdict.valueOf(expected.get(0).toUpperCase().replace('-', '_'));
            byte[] body = PickleFixtures.bytes("hostile", fixture.getKey());
            for (int chunk : CHUNKS) {
                PickleReport report = PickleFixtures.scan(body, chunk, AllowList.defaults());
                assertThat(report.verdict()).as("%s in chunks of %d: %s", fixture.getKey(), chunk, report).isEqualTo(verdict);
                assertThat(report.globals()).as("%s: %s", fixture.getKey(), report).containsAll(expected.subList(1, expected.size()));
                if (verdict == PickleVerdict.UNSAFE) {
                    assertThat(report.refused()).as("%s: %s", fixture.getKey(), report).containsAll(expected.subList(1, expected.size()));
                }
            }
        }));
    }

    @Test
    void theCorpusCoversAtLeastThirtyRoutes() {
        assertThat(PickleFixtures.hostile()).hasSizeGreaterThanOrEqualTo(30);
    }
}
