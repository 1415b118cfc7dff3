package io.anomstack.modelstore.policy;

import org.jspecify.annotations.Nullable;

import java.nio.file.Path;

/** Words a problem in the batch policy files as the one-line sentence that reports it. */
final class ProblemText {

    private static final int QUOTED_MAX = 100;

    private ProblemText() {
    }

    /** The sentence after its file and, where there is one, its line: {@code cpu.yaml line 5: sentence}. */
    static String at(Path file, @Nullable Integer line, String sentence) {
        return file + (line == null ? "" : " line " + line) + ": " + sentence;
    }

    /** A value as written, fit to quote in a sentence: control characters replaced, long values cut. */
    static String quote(String value) {
        String printable = value.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > QUOTED_MAX ? printable.substring(0, QUOTED_MAX) + "…" : printable;
    }

    /** An exception's type and message, on one line and without a closing full stop. */
    static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + oneLine(message));
    }

    /** The text on one line, without a closing full stop, to put in parentheses inside a sentence. */
    static String oneLine(String text) {
        String collapsed = text.replaceAll("\\s+", " ").trim();
        while (collapsed.endsWith(".")) {
            collapsed = collapsed.substring(0, collapsed.length() - 1);
        }
        return collapsed;
    }
}
