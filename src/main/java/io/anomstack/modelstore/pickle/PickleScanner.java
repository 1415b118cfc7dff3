package io.anomstack.modelstore.pickle;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntConsumer;

/**
 * Parses a pickle opcode by opcode as its bytes go by, in chunks of any size, and names every global it imports
 * ({@code GLOBAL}, {@code INST}, {@code STACK_GLOBAL} with strings from the stack or the memo, extension codes).
 * Protocols 0 to 5; joblib's own files too (an array's bytes follow its wrapper). Memory is bounded whatever the
 * body: payloads are skipped, not buffered, and only short strings are kept. Not thread-safe: one scanner per body.
 */
public final class PickleScanner {

    private static final int MAX_LINE = 1024;

    /** The stream is not a pickle this scanner can read to its end. */
    static final class Malformed extends RuntimeException {
        /** Whether Python could read on where the scanner stopped (a limit of the scanner's own). */
        final boolean beyondLimits;

        /** Where Python's unpickler fails too. */
        Malformed(String message) {
            this(message, false);
        }

        Malformed(String message, boolean beyondLimits) {
            super(message, null, false, false);
            this.beyondLimits = beyondLimits;
        }
    }

    private enum State { OPCODE, FIXED, LINE, PAYLOAD, JOBLIB_PADDING, SKIP, FAILED }

    private final AllowList allowList;
    private final IntConsumer protocolSeen = this::protocolSeen;
    private final Set<PickleGlobal> globals = new TreeSet<>();
    private PickleMachine machine;
    private PickleMachine outer;
    private State state = State.OPCODE;
    private int opcode;
    private final byte[] fixed = new byte[8];
    private int fixedNeeded;
    private int fixedHave;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private boolean lineOverflow;
    private String firstLine;
    private boolean secondLine;
    private int segment;
    private int longestSegment;
    private long remaining;
    private final byte[] payload = new byte[PickleMachine.MAX_STRING + 1];
    private int payloadLength;
    private long offset;
    private boolean started;
    private int completed;
    private boolean stopped;
    private boolean anyImport;
    private Integer protocol;
    private String failure;
    private boolean beyondLimits;

    public PickleScanner(AllowList allowList) {
        this.allowList = allowList;
        this.machine = new PickleMachine(Python2Names.cpython(), globals, true);
    }

    /** Scans the next bytes of the body. */
    public void update(byte[] bytes, int from, int length) {
        int at = from;
        int end = from + length;
        try {
            while (at < end && state != State.FAILED) {
                at = step(bytes, at, end);
            }
        } catch (Malformed e) {
            fail(e.getMessage());
            beyondLimits = e.beyondLimits;
        } catch (RuntimeException e) {
            // A stream this scanner cannot follow is refused, never waved through.
            fail("a stream this scanner cannot follow (" + e + ")");
            beyondLimits = true;
        }
    }

    /** The report once the whole body went through {@link #update}. */
    public PickleReport finish() {
        if (state != State.FAILED && !(stopped && state == State.OPCODE && outer == null)) {
            fail(started ? "the stream ends before its STOP opcode (truncated)" : "the body is empty");
        }
        boolean failingPartImported = machine.imported() || outer != null && outer.imported();
        if (failure != null && completed > 0 && !failingPartImported && !beyondLimits) {
            // Bytes after a complete pickle that fail before importing anything: load() never reads them, and a
            // second load() would fail on them before running anything.
            failure = null;
        }
        anyImport |= failingPartImported;
        List<String> names = globals.stream().map(PickleGlobal::toString).toList();
        if (failure != null) {
            // Failing before any import means Python fails there too and runs nothing, unless the scanner gave up.
            return anyImport || beyondLimits
                    ? new PickleReport(protocol, names, PickleVerdict.MALFORMED, List.of(), failure + " at byte " + offset)
                    : new PickleReport(null, List.of(), PickleVerdict.NOT_A_PICKLE, List.of(), null);
        }
        List<String> refused = globals.stream().filter(global -> !allowList.allows(global)).map(PickleGlobal::toString)
                .toList();
        return new PickleReport(protocol, names, refused.isEmpty() ? PickleVerdict.ALLOWED : PickleVerdict.UNSAFE,
                refused, null);
    }

    private void fail(String reason) {
        if (failure == null) {
            failure = reason;
        }
        state = State.FAILED;
    }

    private int step(byte[] bytes, int at, int end) {
        switch (state) {
            case OPCODE -> {
                return opcodes(bytes, at, end);
            }
            case FIXED -> {
                int n = Math.min(fixedNeeded - fixedHave, end - at);
                System.arraycopy(bytes, at, fixed, fixedHave, n);
                fixedHave += n;
                offset += n;
                if (fixedHave == fixedNeeded) {
                    fixedArgument();
                }
                return at + n;
            }
            case LINE -> {
                int i = at;
                boolean moduleLine = Opcodes.argument(opcode) == Opcodes.TWO_LINES && !secondLine;
                while (i < end && bytes[i] != '\n') {
                    if (moduleLine) {
                        segment = bytes[i] == '.' ? 0 : segment + 1;
                        longestSegment = Math.max(longestSegment, segment);
                    }
                    i++;
                }
                int n = i - at;
                int keep = Math.min(n, MAX_LINE - lineLength);
                System.arraycopy(bytes, at, line, lineLength, keep);
                lineLength += keep;
                lineOverflow |= keep < n;
                offset += n;
                if (i == end) {
                    return end;
                }
                offset++;
                lineComplete();
                return i + 1;
            }
            case PAYLOAD -> {
                int n = (int) Math.min(remaining, end - at);
                int keep = Math.min(n, payload.length - payloadLength);
                System.arraycopy(bytes, at, payload, payloadLength, keep);
                payloadLength += keep;
                remaining -= n;
                offset += n;
                if (remaining == 0) {
                    payloadComplete();
                }
                return at + n;
            }
            case JOBLIB_PADDING -> {
                int padding = bytes[at] & 0xff;
                offset++;
                // Any byte below '(' is no opcode: a plain unpickler given this file stops here.
                if (padding >= '(') {
                    throw new Malformed("joblib array padding of " + padding + " bytes", true);
                }
                remaining += padding;
                state = remaining == 0 ? State.OPCODE : State.SKIP;
                return at + 1;
            }
            case SKIP -> {
                int n = (int) Math.min(remaining, end - at);
                remaining -= n;
                offset += n;
                if (remaining == 0) {
                    state = State.OPCODE;
                }
                return at + n;
            }
            default -> {
                return end;
            }
        }
    }

    /**
     * Opcodes one after the other while each one's argument is short, fixed and wholly in this chunk (the common case,
     * without a state change); the first other one starts its state.
     */
    private int opcodes(byte[] bytes, int from, int end) {
        int at = from;
        while (at < end && state == State.OPCODE) {
            int code = bytes[at] & 0xff;
            int argument = Opcodes.argument(code);
            if (argument >= Opcodes.U1 && argument <= Opcodes.U8 && !stopped && outer == null) {
                int n = Opcodes.fixedBytes(argument);
                if (end - at > n) {
                    opcode = code;
                    started = true;
                    offset += 1 + n;
                    Opcodes.executeFixed(code, Opcodes.decode(argument, bytes, at + 1), machine, protocolSeen);
                    afterOpcode();
                    at += 1 + n;
                    continue;
                }
            }
            offset++;
            startOpcode(code);
            at++;
        }
        return at;
    }

    private void startOpcode(int code) {
        if (stopped) {
            // Bytes after STOP: another pickle a second load() would read, judged as well.
            stopped = false;
            completed++;
            anyImport |= machine.imported();
            machine = new PickleMachine(Python2Names.cpython(), globals, true);
        }
        started = true;
        opcode = code;
        if (outer != null && code >= 0x8c || outer != null && (code == 'B' || code == 'C')) {
            throw new Malformed("opcode 0x" + Integer.toHexString(code) + " in a joblib object array (joblib writes those "
                    + "with protocol 2)", true);
        }
        int argument = Opcodes.argument(code);
        switch (argument) {
            case Opcodes.NONE -> execute();
            case Opcodes.LINE, Opcodes.TWO_LINES -> {
                lineLength = 0;
                lineOverflow = false;
                firstLine = null;
                secondLine = false;
                segment = 0;
                longestSegment = 0;
                state = State.LINE;
            }
            case Opcodes.INVALID -> throw new Malformed("invalid opcode 0x" + Integer.toHexString(code));
            default -> {
                fixedNeeded = Opcodes.fixedBytes(argument);
                fixedHave = 0;
                state = State.FIXED;
            }
        }
    }

    private void fixedArgument() {
        int argument = Opcodes.argument(opcode);
        long value = Opcodes.decode(argument, fixed, 0);
        if (Opcodes.isLength(argument)) {
            if (value < 0) {
                throw new Malformed("negative length " + value);
            }
            remaining = value;
            payloadLength = 0;
            state = State.PAYLOAD;
            if (remaining == 0) {
                payloadComplete();
            }
            return;
        }
        state = State.OPCODE;
        Opcodes.executeFixed(opcode, value, machine, protocolSeen);
        afterOpcode();
    }

    private void protocolSeen(int version) {
        if (outer != null && version > 2) {
            throw new Malformed("protocol " + version + " in a joblib object array (joblib writes those with protocol 2)",
                    true);
        }
        if (protocol == null) {
            protocol = version;
        }
    }

    private void lineComplete() {
        if (Opcodes.argument(opcode) == Opcodes.TWO_LINES && !secondLine) {
            // Python decodes the module's line as UTF-8 and fails on anything else, before importing.
            firstLine = lineOverflow ? null : utf8(line, lineLength);
            if (firstLine == null && !lineOverflow) {
                throw new Malformed("a global's module is not UTF-8");
            }
            if (longestSegment > PickleMachine.MAX_FILE_NAME) {
                throw new Malformed("a global's module has a part longer than any file name");
            }
            secondLine = true;
            lineLength = 0;
            lineOverflow = false;
            return;
        }
        state = State.OPCODE;
        Opcodes.executeLine(opcode, firstLine, lineOverflow ? null : line, lineLength, lineOverflow, machine);
        afterOpcode();
    }

    private void payloadComplete() {
        state = State.OPCODE;
        boolean whole = payloadLength <= PickleMachine.MAX_STRING;
        Opcodes.executePayload(opcode, whole ? payload : null, payloadLength, machine);
        afterOpcode();
    }

    private void execute() {
        if (opcode == '.') {
            machine.pop();
            if (outer != null) {
                anyImport |= machine.imported();
                machine = outer;
                outer = null;
            } else {
                stopped = true;
            }
            return;
        }
        Opcodes.executeBare(opcode, machine);
        afterOpcode();
    }

    /** After a BUILD of a joblib array wrapper, its array's bytes (or an object array's own pickle) follow. */
    private void afterOpcode() {
        if (protocol == null) {
            protocol = 0;
        }
        if (!machine.wrapperFinished()) {
            return;
        }
        PickleMachine.Call wrapper = machine.takeFinishedWrapper();
        JoblibArray array = JoblibArray.of(wrapper);
        if (array.hasObjects()) {
            outer = machine;
            machine = new PickleMachine(Python2Names.cpython(), globals, false);
            return;
        }
        remaining = array.bytes();
        state = State.JOBLIB_PADDING;
    }

    static String utf8(byte[] bytes, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static String ascii(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return null;
            }
        }
        return new String(bytes, 0, length, StandardCharsets.US_ASCII);
    }
}
