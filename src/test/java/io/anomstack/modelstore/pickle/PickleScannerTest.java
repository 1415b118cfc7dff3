package io.anomstack.modelstore.pickle;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The scanner reads real model pickles as Python's unpickler does, whatever the chunks their bytes arrive in. */
class PickleScannerTest {

    private static final int[] CHUNKS = {1, 7, 8192};

    @TestFactory
    Stream<DynamicTest> realModelPicklesAreAllowedWithTheGlobalsPythonImports() {
        return PickleFixtures.legit().entrySet().stream().map(fixture -> DynamicTest.dynamicTest(fixture.getKey(), () -> {
            byte[] body = PickleFixtures.bytes("legit", fixture.getKey());
            for (int chunk : CHUNKS) {
                PickleReport report = PickleFixtures.scan(body, chunk, AllowList.defaults());
                assertThat(report.verdict()).as("%s in chunks of %d: %s", fixture.getKey(), chunk, report)
                        .isEqualTo(PickleVerdict.ALLOWED);
                assertThat(report.globals()).as("%s in chunks of %d", fixture.getKey(), chunk)
                        .containsAll(fixture.getValue());
                if (!fixture.getKey().startsWith("object_array")) {
                    assertThat(report.globals()).containsExactlyElementsOf(fixture.getValue());
                }
            }
        }));
    }

    @Test
    void joblibCompressedFilesOnnxZipAndRandomBytesAreNotPickles() {
        // Random bytes fail where Python's unpickler fails too, before any import: never refused.
        byte[] compressed = PickleFixtures.bytes("legit", "isolation_forest.joblib.z");
        byte[] onnx = {0x08, 0x07, 0x12, 0x07, 'p', 'y', 't', 'o', 'r', 'c', 'h'};
        byte[] zip = "PK\u0003\u0004\u0014\u0000\u0000\u0000".getBytes(StandardCharsets.ISO_8859_1);
        byte[] text = "{\"n_components\": 3}\n".getBytes(StandardCharsets.US_ASCII);
        for (byte[] body : new byte[][] {compressed, onnx, zip, text, new byte[0]}) {
            assertThat(PickleFixtures.scan(body, 4096, AllowList.defaults()).verdict()).isEqualTo(PickleVerdict.NOT_A_PICKLE);
        }
        Random random = new Random(17);
        for (int i = 0; i < 20_000; i++) {
            byte[] body = new byte[1 + random.nextInt(i % 100 == 0 ? 1 << 20 : 4096)];
            random.nextBytes(body);
            PickleReport report = PickleFixtures.scan(body, 8192, AllowList.defaults());
            // At most a tiny pickle without imports (such as "N.") happens to lead the bytes: never a refusal.
            assertThat(report.verdict()).as("random body %d: %s", i, report)
                    .isIn(PickleVerdict.NOT_A_PICKLE, PickleVerdict.ALLOWED);
            assertThat(report.globals()).isEmpty();
        }
    }

    @Test
    void aPickleTooDeepToCheckIsRefusedEvenBeforeItsFirstImport() {
        int values = PickleMachine.MAX_STACK + 1;
        byte[] head = {(byte) 0x80, 4};
        byte[] tail = "cos\nsystem\n)R.".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + values + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        java.util.Arrays.fill(body, head.length, head.length + values, (byte) 'N');
        System.arraycopy(tail, 0, body, head.length + values, tail.length);

        PickleReport report = PickleFixtures.scan(body, 65536, AllowList.defaults());

        assertThat(report.verdict()).as("Python reads on where the scanner gives up: %s", report)
                .isEqualTo(PickleVerdict.MALFORMED);
        assertThat(report.reason()).contains("too deep to check");
    }

    @Test
    void bytesAfterAModelThatImportNothingAreIgnoredButASecondPickleIsJudged() {
        byte[] model = PickleFixtures.bytes("legit", "pca.p4.pkl");
        byte[] newline = java.util.Arrays.copyOf(model, model.length + 1);
        newline[model.length] = '\n';
        assertThat(PickleFixtures.scan(newline, 4096, AllowList.defaults()).verdict()).isEqualTo(PickleVerdict.ALLOWED);

        byte[] hostile = "cos\nsystem\n".getBytes(StandardCharsets.US_ASCII);
        byte[] second = java.util.Arrays.copyOf(model, model.length + hostile.length);
        System.arraycopy(hostile, 0, second, model.length, hostile.length);
        PickleReport report = PickleFixtures.scan(second, 4096, AllowList.defaults());
        assertThat(report.verdict()).isEqualTo(PickleVerdict.MALFORMED);
        assertThat(report.globals()).contains("os.system");
    }
}
