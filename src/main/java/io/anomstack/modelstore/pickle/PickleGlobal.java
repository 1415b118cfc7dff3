package io.anomstack.modelstore.pickle;

import java.util.Comparator;

/**
 * One global a pickle imports: the module the unpickler imports and the name it takes from it. A dotted name (protocol
 * 4's qualified names) is looked up attribute by attribute, so it is shown as {@code module:dotted.name} and only an
 * allow-list entry spelled that way allows it.
 *
 * @param module the module, after Python 2 names were mapped as Python maps them
 * @param name   the name in the module
 */
public record PickleGlobal(String module, String name) implements Comparable<PickleGlobal> {

    private static final Comparator<PickleGlobal> ORDER = Comparator.comparing(PickleGlobal::toString);

    /** A {@code STACK_GLOBAL} whose module or name is not a string the scanner could follow to its source. */
    static final PickleGlobal UNRESOLVED = new PickleGlobal("<unresolved STACK_GLOBAL>", "");

    /** What an {@code EXT1}/{@code EXT2}/{@code EXT4} code imports depends on the scorer's copyreg registry. */
    static PickleGlobal extension(long code) {
        return new PickleGlobal("<extension " + code + ">", "");
    }

    /** Whether this stands for an import the scanner cannot name (an extension code, an unresolved STACK_GLOBAL). */
    public boolean unnamed() {
        return module.startsWith("<");
    }

    /** Whether the name is looked up attribute by attribute. */
    public boolean dotted() {
        return name.indexOf('.') >= 0;
    }

    /** The module and every attribute on the way to the global: {@code os.path.join}. */
    public String path() {
        return module + "." + name;
    }

    @Override
    public String toString() {
        return unnamed() ? module : module + (dotted() ? ":" : ".") + name;
    }

    @Override
    public int compareTo(PickleGlobal other) {
        return ORDER.compare(this, other);
    }
}
