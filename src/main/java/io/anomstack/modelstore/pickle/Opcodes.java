package io.anomstack.modelstore.pickle;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/** The pickle opcodes of protocols 0 to 5: each one's argument and its effect on the {@link PickleMachine}. */
final class Opcodes {

    static final int INVALID = 0;
    static final int NONE = 1;
    static final int LINE = 2;
    static final int TWO_LINES = 3;
    static final int U1 = 4;
    static final int U2 = 5;
    static final int I4 = 6;
    static final int U4 = 7;
    static final int U8 = 8;
    static final int LEN1 = 9;
    static final int LEN4 = 10;
    static final int LEN4_SIGNED = 11;
    static final int LEN8 = 12;

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,18}");
    private static final Pattern PYTHON_INT = Pattern.compile("[+-]?[0-9](_?[0-9])*");
    private static final int[] ARGUMENT = new int[256];

    static {
        for (char code : "(.012NQRabd}elo]ks)tu".toCharArray()) {
            ARGUMENT[code] = NONE;
        }
        for (int code = 0x81; code <= 0x98; code++) {
            ARGUMENT[code] = NONE;
        }
        for (char code : "FILPSVgp".toCharArray()) {
            ARGUMENT[code] = LINE;
        }
        ARGUMENT['c'] = TWO_LINES;
        ARGUMENT['i'] = TWO_LINES;
        ARGUMENT['J'] = I4;
        ARGUMENT['K'] = U1;
        ARGUMENT['M'] = U2;
        ARGUMENT['h'] = U1;
        ARGUMENT['j'] = U4;
        ARGUMENT['q'] = U1;
        ARGUMENT['r'] = U4;
        ARGUMENT['G'] = U8;
        ARGUMENT[0x80] = U1;
        ARGUMENT[0x82] = U1;
        ARGUMENT[0x83] = U2;
        ARGUMENT[0x84] = I4;
        ARGUMENT[0x95] = U8;
        ARGUMENT['T'] = LEN4_SIGNED;
        ARGUMENT['U'] = LEN1;
        ARGUMENT['X'] = LEN4;
        ARGUMENT['B'] = LEN4;
        ARGUMENT['C'] = LEN1;
        ARGUMENT[0x8a] = LEN1;
        ARGUMENT[0x8b] = LEN4_SIGNED;
        ARGUMENT[0x8c] = LEN1;
        ARGUMENT[0x8d] = LEN8;
        ARGUMENT[0x8e] = LEN8;
        ARGUMENT[0x96] = LEN8;
    }

    private Opcodes() {
    }

    static int argument(int opcode) {
        return ARGUMENT[opcode];
    }

    static boolean isLength(int argument) {
        return argument >= LEN1;
    }

    static int fixedBytes(int argument) {
        return switch (argument) {
            case U1, LEN1 -> 1;
            case U2 -> 2;
            case I4, U4, LEN4, LEN4_SIGNED -> 4;
            default -> 8;
        };
    }

    /** A little-endian argument; 8-byte lengths beyond a long are negative and refused by the caller. */
    static long decode(int argument, byte[] bytes, int from) {
        int n = fixedBytes(argument);
        long value = 0;
        for (int i = n - 1; i >= 0; i--) {
            value = value << 8 | bytes[from + i] & 0xff;
        }
        if (argument == I4 || argument == LEN4_SIGNED) {
            value = (int) value;
        }
        return value;
    }

    static void executeBare(int opcode, PickleMachine m) {
        switch (opcode) {
            case '(' -> m.mark();
            case '0' -> m.popOrMark();
            case '1' -> m.dropToMark();
            case '2' -> m.push(m.top());
            case 'N', ']', 0x88, 0x89, 0x8f -> m.push(PickleMachine.OTHER);
            case '}' -> m.push(new PickleMachine.Dict());
            case ')' -> m.push(List.of());
            case 'Q' -> throw new PickleScanner.Malformed("BINPERSID: a persistent id, which a plain unpickler refuses");
            case 0x97 -> throw new PickleScanner.Malformed("NEXT_BUFFER: out-of-band data, which a plain unpickler refuses");
            case 'R', 0x81 -> {
                Object args = m.pop();
                m.call(m.pop(), args);
            }
            case 0x92 -> {
                m.pop();
                Object args = m.pop();
                m.call(m.pop(), args);
            }
            case 'a' -> {
                m.pop();
                m.top();
            }
            case 'e', 0x90 -> {
                m.dropToMark();
                m.top();
            }
            case 'b' -> m.build();
            case 'd' -> {
                List<Object> items = m.popMark();
                PickleMachine.Dict dict = new PickleMachine.Dict();
                m.push(dict);
                m.setItems(items);
            }
            case 's' -> {
                Object value = m.pop();
                Object key = m.pop();
                m.setItems(Arrays.asList(key, value));
            }
            case 'u' -> m.setItems(m.popMark());
            case 'l', 0x91 -> {
                m.dropToMark();
                m.push(PickleMachine.OTHER);
            }
            case 't' -> m.push(PickleMachine.tuple(m.popMark()));
            case 0x85, 0x86, 0x87 -> {
                int n = opcode - 0x84;
                Object[] items = new Object[n];
                for (int i = n - 1; i >= 0; i--) {
                    items[i] = m.pop();
                }
                m.push(PickleMachine.tuple(List.of(items)));
            }
            case 'o' -> {
                List<Object> items = m.popMark();
                if (items.isEmpty()) {
                    throw new PickleScanner.Malformed("OBJ without a class");
                }
                m.call(items.get(0), PickleMachine.tuple(items.subList(1, items.size())));
            }
            case 0x93 -> m.stackGlobal();
            case 0x94 -> m.memoize();
            case 0x98 -> m.top();
            default -> throw new PickleScanner.Malformed("invalid opcode 0x" + Integer.toHexString(opcode));
        }
    }

    static void executeFixed(int opcode, long value, PickleMachine m, IntConsumer protocolSeen) {
        switch (opcode) {
            case 'J', 'K', 'M' -> m.push(PickleMachine.integer(value));
            case 'G' -> m.push(PickleMachine.OTHER);
            case 'h', 'j' -> m.get(value);
            case 'q', 'r' -> m.put(value);
            case 0x80 -> {
                m.protocol(value);
                protocolSeen.accept((int) value);
            }
            case 0x82, 0x83, 0x84 -> m.extension(value);
            case 0x95 -> {
                if (value < 0) {
                    throw new PickleScanner.Malformed("negative frame length");
                }
            }
            default -> throw new IllegalStateException("no fixed argument for opcode " + opcode);
        }
    }

    /**
     * @param line the line without its newline, {@code null} when it was too long to keep
     */
    static void executeLine(int opcode, String firstLine, byte[] line, int length, boolean overflow, PickleMachine m) {
        String text = overflow ? null : new String(line, 0, length, StandardCharsets.ISO_8859_1);
        switch (opcode) {
            case 'F' -> m.push(PickleMachine.OTHER);
            case 'I', 'L' -> m.push(integer(text, opcode == 'L'));
            case 'P' -> throw new PickleScanner.Malformed("PERSID: a persistent id, which a plain unpickler refuses");
            case 'S' -> {
                if (text != null && !(text.length() >= 2 && text.charAt(0) == text.charAt(text.length() - 1)
                        && (text.charAt(0) == '\'' || text.charAt(0) == '"'))) {
                    throw new PickleScanner.Malformed("STRING argument not quoted");
                }
                String inner = text == null ? null : PickleScanner.ascii(line, length - 1);
                m.push(inner == null || inner.indexOf('\\') >= 0 || inner.length() - 1 > PickleMachine.MAX_STRING
                        ? PickleMachine.UNKNOWN : m.string(inner.substring(1)));
            }
            case 'V' -> m.push(text == null || text.indexOf('\\') >= 0 || text.length() > PickleMachine.MAX_STRING
                    ? PickleMachine.UNKNOWN : m.string(text));
            case 'g', 'p' -> {
                Object key = integer(text, false);
                if (key instanceof Long index) {
                    if (opcode == 'g') {
                        m.get(index);
                    } else {
                        m.put(index);
                    }
                } else if (opcode == 'g') {
                    m.getUnknown();
                } else {
                    m.putUnknown();
                }
            }
            case 'c', 'i' -> {
                String name = overflow ? null : PickleScanner.utf8(line, length);
                if (firstLine == null) {
                    m.unresolvedGlobal();
                } else if (name == null && !overflow) {
                    throw new PickleScanner.Malformed("a global's name is not UTF-8");
                } else if (name == null) {
                    m.unresolvedGlobal();
                } else {
                    m.global(firstLine, name);
                }
                if (opcode == 'i') {
                    m.pop();
                    m.popMark();
                    m.push(PickleMachine.UNKNOWN);
                }
            }
            default -> throw new IllegalStateException("no line argument for opcode " + opcode);
        }
    }

    static void executePayload(int opcode, byte[] payload, int length, PickleMachine m) {
        switch (opcode) {
            case 'X', 0x8c, 0x8d -> {
                String text = payload == null ? null : PickleScanner.utf8(payload, length);
                if (text == null && payload != null && !maySurrogate(payload, length)) {
                    throw new PickleScanner.Malformed("a string that is not UTF-8");
                }
                m.push(text == null ? PickleMachine.UNKNOWN : m.string(text));
            }
            case 'T', 'U' -> {
                // Python 2 strings: ASCII by default (anything else fails), the same characters under latin1.
                m.push(payload == null ? PickleMachine.UNKNOWN
                        : m.string(new String(payload, 0, length, StandardCharsets.ISO_8859_1)));
            }
            case 0x8a, 0x8b -> m.push(payload != null && length <= 8 ? littleEndianSigned(payload, length) : PickleMachine.OTHER);
            default -> m.push(PickleMachine.OTHER);
        }
    }

    /** Python decodes with surrogatepass, so UTF-8 that Java refuses may still be a string: 0xED starts a surrogate. */
    private static boolean maySurrogate(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if ((bytes[i] & 0xff) == 0xed) {
                return true;
            }
        }
        return false;
    }

    /**
     * A line as Python's {@code int()} reads it: surrounding whitespace, a sign, digits with single underscores between
     * them. A long, or {@link PickleMachine#OTHER} for an integer beyond a long or a line too long to keep.
     *
     * @throws PickleScanner.Malformed when Python's int() fails on it
     */
    private static Object integer(String text, boolean longSuffix) {
        if (text == null) {
            return PickleMachine.OTHER;
        }
        String digits = longSuffix && text.endsWith("L") ? text.substring(0, text.length() - 1) : text;
        digits = digits.replaceAll("^[ \\t\\n\\r\\x0b\\x0c]+|[ \\t\\n\\r\\x0b\\x0c]+$", "");
        if (!PYTHON_INT.matcher(digits).matches()) {
            throw new PickleScanner.Malformed("'" + digits + "' is not an integer");
        }
        String plain = digits.replace("_", "");
        return INTEGER.matcher(plain).matches() ? (Object) Long.parseLong(plain) : PickleMachine.OTHER;
    }

    private static long littleEndianSigned(byte[] bytes, int length) {
        long value = 0;
        for (int i = length - 1; i >= 0; i--) {
            value = value << 8 | bytes[i] & 0xff;
        }
        return length == 0 || length == 8 ? value : value << 64 - 8 * length >> 64 - 8 * length;
    }
}
