package io.anomstack.modelstore.pickle;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The unpickler's stack and memo, kept symbolically: only what can name a global (strings) or size a joblib array
 * (small ints, tuples, dicts, dtypes) is kept, everything else is one opaque value. It fails exactly where Python's
 * unpickler fails for sure (stack or mark underflow, a memo key never stored); where it cannot tell what Python would
 * see, a value becomes {@link #UNKNOWN}, and a global named by an unknown value is {@link PickleGlobal#UNRESOLVED}.
 */
final class PickleMachine {

    /** Strings longer than this are not kept (no module or name is that long). */
    static final int MAX_STRING = 256;
    /** The longest file name (NAME_MAX) of common file systems: no module name part can be longer. */
    static final int MAX_FILE_NAME = 255;
    private static final int MAX_ITEMS = 16;
    /** Real pickles stay a few thousand values deep (pickle writes lists in batches of 1000). */
    static final int MAX_STACK = 100_000;
    /** Characters of strings kept at once; later strings are unknown (and name no global the scan allows). */
    static final long MAX_KEPT_CHARS = 8L << 20;
    /** Distinct globals one pickle may import; real models import a few dozen. */
    static final int MAX_GLOBALS = 10_000;
    private static final int MAX_MEMO_KEYS = 1 << 24;
    private static final int MAX_MEMO_VALUES = 1 << 16;
    static final String JOBLIB_WRAPPER = "joblib.numpy_pickle.NumpyArrayWrapper";
    private static final Long[] SMALL = new Long[1 << 16];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = (long) i;
        }
    }

    /** A value nothing is known of but that it is not a string: numbers, bytes, lists, objects. */
    static final Object OTHER = new Object();
    /** A value that may be any string: the result of a call, a string too long or escaped, a lost memo entry. */
    static final Object UNKNOWN = new Object();

    /** A global as a value (a class or function on the stack). */
    record Global(PickleGlobal global) {
    }

    /** The result of calling a global, kept for numpy's dtypes and joblib's array wrappers only. */
    static final class Call {
        final String callable;
        final Object args;
        Object state = OTHER;

        Call(String callable, Object args) {
            this.callable = callable;
            this.args = args;
        }
    }

    /** A dict, with its first few string keys kept. */
    static final class Dict {
        final Map<String, Object> entries = new LinkedHashMap<>();

        void put(Object key, Object value) {
            if (key instanceof String text && entries.size() < MAX_ITEMS) {
                entries.put(text, value);
            }
        }
    }

    private final Python2Names python2;
    private final Set<PickleGlobal> globals;
    private final boolean joblibArrays;
    private final List<Object> stack = new ArrayList<>();
    private int[] marks = new int[16];
    private int markCount;
    private final BitSet memoKeys = new BitSet();
    private final BitSet memoUnknown = new BitSet();
    private final Map<Long, Object> memoValues = new HashMap<>();
    private int memoSize;
    private boolean memoExact = true;
    private int protocol;
    private long keptChars;
    private boolean imported;
    private Call finishedWrapper;

    /**
     * @param globals      where every global imported is added
     * @param joblibArrays whether a joblib array wrapper is followed by its array's bytes (joblib's own files)
     */
    PickleMachine(Python2Names python2, Set<PickleGlobal> globals, boolean joblibArrays) {
        this.python2 = python2;
        this.globals = globals;
        this.joblibArrays = joblibArrays;
    }

    int protocol() {
        return protocol;
    }

    /** Whether an opcode that imports a module (GLOBAL, INST, STACK_GLOBAL) was seen. */
    boolean imported() {
        return imported;
    }

    void protocol(long version) {
        if (version > 5) {
            throw new PickleScanner.Malformed("unsupported pickle protocol " + version);
        }
        protocol = (int) version;
    }

    void push(Object value) {
        if (stack.size() >= MAX_STACK) {
            throw new PickleScanner.Malformed("more than " + MAX_STACK + " values on the stack: too deep to check", true);
        }
        stack.add(value);
    }

    Object pop() {
        if (stack.size() <= fence()) {
            throw new PickleScanner.Malformed("stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    Object top() {
        if (stack.size() <= fence()) {
            throw new PickleScanner.Malformed("stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    void mark() {
        if (markCount == marks.length) {
            if (markCount >= MAX_STACK) {
                throw new PickleScanner.Malformed("more than " + MAX_STACK + " marks: too deep to check", true);
            }
            marks = Arrays.copyOf(marks, markCount * 2);
        }
        marks[markCount++] = stack.size();
    }

    /** POP: the top value, or the mark when nothing was pushed since it. */
    void popOrMark() {
        if (markCount > 0 && marks[markCount - 1] == stack.size()) {
            markCount--;
        } else {
            pop();
        }
    }

    List<Object> popMark() {
        int at = takeMark();
        List<Object> items = new ArrayList<>(stack.subList(at, stack.size()));
        stack.subList(at, stack.size()).clear();
        return items;
    }

    /** POP_MARK, APPENDS and the like: the values down to the mark go, unread. */
    void dropToMark() {
        int at = takeMark();
        stack.subList(at, stack.size()).clear();
    }

    private int takeMark() {
        if (markCount == 0) {
            throw new PickleScanner.Malformed("no MARK to pop to");
        }
        return marks[--markCount];
    }

    private int fence() {
        return markCount == 0 ? 0 : marks[markCount - 1];
    }

    /** An int argument as a value; small ones shared. */
    static Object integer(long value) {
        return value >= 0 && value < SMALL.length ? SMALL[(int) value] : (Object) value;
    }

    /** A tuple, kept when it is short and holds something known (a shape, a dtype's arguments and state). */
    static Object tuple(List<Object> items) {
        if (items.size() > MAX_ITEMS || items.stream().allMatch(item -> item == OTHER)) {
            return items.isEmpty() ? List.of() : OTHER;
        }
        return List.copyOf(items);
    }

    void global(String module, String name) {
        if (!importable(module)) {
            throw new PickleScanner.Malformed("a module name no file can have");
        }
        PickleGlobal global = python2.map(protocol, module, name);
        imported = true;
        add(global);
        push(new Global(global));
    }

    private void add(PickleGlobal global) {
        if (globals.add(global) && globals.size() > MAX_GLOBALS) {
            throw new PickleScanner.Malformed("more than " + MAX_GLOBALS + " distinct globals: too many to check", true);
        }
    }

    /** A string to push: itself while the strings kept stay within their budget, {@link #UNKNOWN} after. */
    Object string(String text) {
        keptChars += text.length();
        return keptChars > MAX_KEPT_CHARS ? UNKNOWN : text;
    }

    /** A GLOBAL or INST whose lines the scanner could not keep or decode. */
    void unresolvedGlobal() {
        imported = true;
        add(PickleGlobal.UNRESOLVED);
        push(UNKNOWN);
    }

    /** STACK_GLOBAL: Python requires two strings, and refuses anything known not to be one before importing. */
    /**
     * Whether Python's import could find a module of this name: dot-separated non-empty parts of at most 255 bytes
     * without control characters, whitespace or path separators. Python fails on any other name before importing.
     */
    static boolean importable(String module) {
        if (module.isEmpty() || module.startsWith(".") || module.endsWith(".") || module.contains("..")) {
            return false;
        }
        for (String part : module.split("\\.")) {
            if (part.getBytes(StandardCharsets.UTF_8).length > MAX_FILE_NAME) {
                return false;
            }
        }
        for (int i = 0; i < module.length(); i++) {
            char c = module.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '/' || c == '\\' || Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    void stackGlobal() {
        Object name = pop();
        Object module = pop();
        if (!(module instanceof String || module == UNKNOWN) || !(name instanceof String || name == UNKNOWN)) {
            throw new PickleScanner.Malformed("STACK_GLOBAL on values that are not strings");
        }
        if (module instanceof String moduleName && name instanceof String globalName) {
            global(moduleName, globalName);
        } else {
            unresolvedGlobal();
        }
    }

    /**
     * EXT1/EXT2/EXT4: what a code imports is in the scorer's copyreg registry, empty in a standard Python (where the
     * opcode fails), so it is listed, never allowed, but does not by itself make a failing stream a pickle.
     */
    void extension(long code) {
        if (code <= 0) {
            throw new PickleScanner.Malformed("extension code " + code + " is not positive");
        }
        add(PickleGlobal.extension(code));
        push(UNKNOWN);
    }

    /**
     * REDUCE, NEWOBJ and friends: calling a value (Python fails on None, numbers, strings, containers); only the results
     * of dtypes and joblib wrappers are kept, any other may be anything, a string too.
     */
    void call(Object callable, Object args) {
        if (!(callable instanceof Global || callable instanceof Call || callable == UNKNOWN)) {
            throw new PickleScanner.Malformed("a call of a value that cannot be called");
        }
        if (callable instanceof Global global && keepsCalls(global.global().toString())) {
            push(new Call(global.global().toString(), args));
        } else {
            push(UNKNOWN);
        }
    }

    private static boolean keepsCalls(String global) {
        return global.equals("numpy.dtype") || global.equals(JOBLIB_WRAPPER);
    }

    void build() {
        Object state = pop();
        Object target = top();
        if (target instanceof Call call) {
            call.state = state;
            if (joblibArrays && call.callable.equals(JOBLIB_WRAPPER)) {
                stack.set(stack.size() - 1, OTHER);
                finishedWrapper = call;
            }
        }
    }

    boolean wrapperFinished() {
        return finishedWrapper != null;
    }

    /** The joblib array wrapper whose state the last BUILD set, whose array's bytes follow; cleared when taken. */
    Call takeFinishedWrapper() {
        Call wrapper = finishedWrapper;
        finishedWrapper = null;
        return wrapper;
    }

    void setItems(List<Object> items) {
        if (items.size() % 2 != 0) {
            throw new PickleScanner.Malformed("SETITEMS with an odd number of values");
        }
        Object target = top();
        if (target instanceof Dict dict) {
            for (int i = 0; i < items.size(); i += 2) {
                dict.put(items.get(i), items.get(i + 1));
            }
        }
    }

    void put(long key) {
        Object value = top();
        if (key < 0 || key >= MAX_MEMO_KEYS) {
            memoExact = false;
            return;
        }
        int at = (int) key;
        if (!memoKeys.get(at)) {
            memoKeys.set(at);
            memoSize++;
        }
        memoValues.remove(key);
        memoUnknown.clear(at);
        if (value == UNKNOWN || value != OTHER && memoValues.size() >= MAX_MEMO_VALUES) {
            memoUnknown.set(at);
        } else if (value != OTHER) {
            memoValues.put(key, value);
        }
    }

    /** PUT with a key Python would read but this scanner cannot parse. */
    void putUnknown() {
        top();
        memoExact = false;
    }

    void memoize() {
        if (!memoExact) {
            top();
            return;
        }
        put(memoSize);
    }

    void get(long key) {
        if (memoExact && (key < 0 || key >= MAX_MEMO_KEYS || !memoKeys.get((int) key))) {
            throw new PickleScanner.Malformed("memo key " + key + " was never stored");
        }
        if (!memoExact || memoUnknown.get((int) key)) {
            push(UNKNOWN);
            return;
        }
        Object value = memoValues.get(key);
        push(value == null ? OTHER : value);
    }

    void getUnknown() {
        push(UNKNOWN);
    }
}
