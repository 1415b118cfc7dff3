package io.anomstack.modelstore.pickle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pickles under src/test/resources/pickles and what their scripts say of them. */
final class PickleFixtures {

    static final Path ROOT = Path.of("src", "test", "resources", "pickles");

    private PickleFixtures() {
    }

    /** Each legitimate fixture and the globals Python's unpickler imported when make_legit.py wrote it. */
    static Map<String, List<String>> legit() {
        return table(ROOT.resolve("legit").resolve("globals.tsv"), " ");
    }

    /** Each hostile fixture: its expected verdict, then the global it must be reported as importing. */
    static Map<String, List<String>> hostile() {
        return table(ROOT.resolve("hostile").resolve("expected.tsv"), "\t");
    }

    static byte[] bytes(String folder, String name) {
        try {
            return Files.readAllBytes(ROOT.resolve(folder).resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Scans the bytes fed in chunks of {@code chunk} bytes. */
    static PickleReport scan(byte[] body, int chunk, AllowList allowList) {
        PickleScanner scanner = new PickleScanner(allowList);
        for (int at = 0; at < body.length; at += chunk) {
            scanner.update(body, at, Math.min(chunk, body.length - at));
        }
        return scanner.finish();
    }

    private static Map<String, List<String>> table(Path file, String separator) {
        try {
            Map<String, List<String>> rows = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                String rest = line.substring(tab + 1);
                rows.put(line.substring(0, tab), rest.isBlank() ? List.of() : List.of(rest.split(separator)));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
