package io.anomstack.modelstore.pickle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which globals a model pickle may import: exact {@code module.name} entries, {@code module:dotted.name} entries and
 * {@code module.*} wildcards (classes only), over a hard deny-list ({@code !path}) that no entry can lift. The defaults
 * are the resource {@code pickle/allowed-globals.txt}; a service setting or a batch's policy adds entries.
 */
public final class AllowList {

    static final String RESOURCE = "pickle/allowed-globals.txt";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern DUNDER = Pattern.compile("__\\w*__");
    private static final AllowList DEFAULTS = load();

    private final Set<String> exact;
    private final List<String> wildcards;
    private final Set<String> denied;

    private AllowList(Set<String> exact, List<String> wildcards, Set<String> denied) {
        this.exact = Set.copyOf(exact);
        this.wildcards = List.copyOf(wildcards);
        this.denied = Set.copyOf(denied);
    }

    /** The default allow-list: what real scikit-learn, PyOD, numpy, scipy and joblib models import. */
    public static AllowList defaults() {
        return DEFAULTS;
    }

    /**
     * This list with more entries ({@code module.name}, {@code module:dotted.name} or {@code module.*}).
     *
     * @throws IllegalArgumentException naming the entry, when one is not a global's name or names a denied global
     */
    public AllowList with(Collection<String> entries) {
        Set<String> moreExact = new LinkedHashSet<>(exact);
        List<String> moreWildcards = new ArrayList<>(wildcards);
        for (String raw : entries) {
            add(raw.trim(), moreExact, moreWildcards, denied);
        }
        return new AllowList(moreExact, moreWildcards, denied);
    }

    /** Whether a pickle may import this global. */
    public boolean allows(PickleGlobal global) {
        if (global.unnamed() || isDenied(global)) {
            return false;
        }
        if (exact.contains(global.toString())) {
            return true;
        }
        if (global.dotted() || global.name().isEmpty() || !Character.isUpperCase(global.name().charAt(0))) {
            return false;
        }
        return wildcards.stream().anyMatch(module -> global.module().equals(module) || global.module().startsWith(module + "."));
    }

    /** Whether the global is on the deny-list or reaches through a dunder attribute. */
    public boolean isDenied(PickleGlobal global) {
        for (String segment : global.name().split("\\.")) {
            if (DUNDER.matcher(segment).matches()) {
                return true;
            }
        }
        String path = global.path();
        for (int dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
            if (denied.contains(path.substring(0, dot))) {
                return true;
            }
        }
        return denied.contains(path);
    }

    private static void add(String entry, Set<String> exact, List<String> wildcards, Set<String> denied) {
        PickleGlobal global = parse(entry);
        if (global == null) {
            throw new IllegalArgumentException("'" + entry + "' is not a global: write module.name, module:dotted.name or "
                    + "module.* (its classes)");
        }
        AllowList deny = new AllowList(Set.of(), List.of(), denied);
        if (deny.isDenied(global)) {
            throw new IllegalArgumentException("'" + entry + "' can run code or touch files, sockets or processes and is "
                    + "never allowed (docs/model-safety.md)");
        }
        if (global.name().equals("*")) {
            wildcards.add(global.module());
        } else {
            exact.add(global.toString());
        }
    }

    /** An entry as a global: {@code module.*} gives the name {@code *}; {@code null} for anything else. */
    private static PickleGlobal parse(String entry) {
        int colon = entry.indexOf(':');
        String module;
        String name;
        if (colon >= 0) {
            module = entry.substring(0, colon);
            name = entry.substring(colon + 1);
            if (name.indexOf('.') < 0) {
                return null;
            }
        } else {
            int dot = entry.lastIndexOf('.');
            if (dot < 0) {
                return null;
            }
            module = entry.substring(0, dot);
            name = entry.substring(dot + 1);
            if (name.equals("*")) {
                return dotted(module) ? new PickleGlobal(module, name) : null;
            }
        }
        return dotted(module) && dotted(name) ? new PickleGlobal(module, name) : null;
    }

    private static boolean dotted(String path) {
        for (String part : path.split("\\.", -1)) {
            if (!IDENTIFIER.matcher(part).matches()) {
                return false;
            }
        }
        return true;
    }

    private static AllowList load() {
        List<String> entries = new ArrayList<>();
        Set<String> denied = new LinkedHashSet<>();
        try (InputStream in = AllowList.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String entry = line.strip();
                if (entry.isEmpty() || entry.startsWith("#")) {
                    continue;
                }
                if (entry.startsWith("!")) {
                    denied.add(entry.substring(1));
                } else {
                    entries.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AllowList(Set.of(), List.of(), denied).with(entries);
    }
}
