package io.anomstack.modelstore.pickle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The Python 2 names Python 3's unpickler maps to Python 3 globals in pickles of protocol 0 to 2 ({@code fix_imports}):
 * {@code __builtin__.eval} is {@code builtins.eval}, and the scanner must judge what Python really imports.
 * Read from {@code pickle/python2-names.txt}, generated from CPython's {@code _compat_pickle}.
 */
final class Python2Names {

    private static final String RESOURCE = "pickle/python2-names.txt";
    private static final Python2Names CPYTHON = load();

    private final Map<String, PickleGlobal> names;
    private final Map<String, String> modules;

    private Python2Names(Map<String, PickleGlobal> names, Map<String, String> modules) {
        this.names = names;
        this.modules = modules;
    }

    static Python2Names cpython() {
        return CPYTHON;
    }

    /** The global Python imports for {@code module} and {@code name} in a pickle of {@code protocol}. */
    PickleGlobal map(int protocol, String module, String name) {
        if (protocol >= 3) {
            return new PickleGlobal(module, name);
        }
        PickleGlobal renamed = names.get(module + "\t" + name);
        if (renamed != null) {
            return renamed;
        }
        return new PickleGlobal(modules.getOrDefault(module, module), name);
    }

    private static Python2Names load() {
        Map<String, PickleGlobal> names = new HashMap<>();
        Map<String, String> modules = new HashMap<>();
        try (InputStream in = Python2Names.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t");
                if (fields.length == 4) {
                    names.put(fields[0] + "\t" + fields[1], new PickleGlobal(fields[2], fields[3]));
                } else if (fields.length == 2) {
                    modules.put(fields[0], fields[1]);
                } else {
                    throw new IllegalStateException(RESOURCE + ": a row has " + fields.length + " fields: " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Python2Names(Map.copyOf(names), Map.copyOf(modules));
    }
}
