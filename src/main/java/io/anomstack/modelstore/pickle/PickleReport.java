package io.anomstack.modelstore.pickle;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * What the scan of one model body found.
 *
 * @param protocol the pickle protocol its PROTO opcode names (0 when it has none: protocols 0 and 1); {@code null}
 *                 when the body is no pickle or was not scanned
 * @param globals  every global the pickle imports, sorted, each once
 * @param verdict  the verdict under the allow-list the body was judged by
 * @param refused  the globals outside the allow-list (empty unless {@code unsafe})
 * @param reason   why a body is {@code malformed}, {@code null} otherwise
 */
public record PickleReport(@Nullable Integer protocol, List<String> globals, PickleVerdict verdict, List<String> refused,
                           @Nullable String reason) {

    public PickleReport {
        globals = List.copyOf(globals);
        refused = List.copyOf(refused);
    }

    /** The report of a body that was not scanned (policy {@code off}). */
    public static PickleReport unchecked() {
        return new PickleReport(null, List.of(), PickleVerdict.UNCHECKED, List.of(), null);
    }
}
