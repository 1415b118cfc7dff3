package io.anomstack.modelstore.support;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The repository's Dockerfile as instructions, so that tests can hold the image to its rules and run exactly the
 * command line it runs. Only what the project's Dockerfile uses is understood: comments, line continuations, exec-form
 * JSON arrays and {@code ENV name=value} pairs.
 */
public record Dockerfile(List<Instruction> instructions) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One instruction: its keyword in upper case, the rest of its (joined) lines, and the line it starts on. */
    public record Instruction(String keyword, String arguments, int line) {
    }

    /** The Dockerfile at the project's root (Surefire and Failsafe run in the project's directory). */
    public static Dockerfile ofProject() {
        return read(Path.of("Dockerfile"));
    }

    public static Dockerfile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (pending.isEmpty()) {
                start = i + 1;
            }
            boolean continues = line.endsWith("\\");
            pending.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continues) {
                String text = pending.toString().strip();
                int space = text.indexOf(' ');
                instructions.add(new Instruction(text.substring(0, space < 0 ? text.length() : space).toUpperCase(Locale.ROOT),
                        space < 0 ? "" : text.substring(space + 1).strip(), start));
                pending.setLength(0);
            }
        }
        return new Dockerfile(List.copyOf(instructions));
    }

    /** The instructions of the last stage, the image that ships. */
    public List<Instruction> finalStage() {
        int from = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals("FROM")) {
                from = i;
            }
        }
        return instructions.subList(from, instructions.size());
    }

    /** The final stage's instructions with this keyword. */
    public List<String> finalStage(String keyword) {
        return finalStage().stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    /** The arguments of every RUN instruction, in any stage. */
    public List<String> runs() {
        return instructions.stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::arguments).toList();
    }

    /** The final stage's ENTRYPOINT, which must be in exec form (a JSON array): a shell would swallow SIGTERM. */
    public List<String> entrypoint() {
        List<String> entrypoints = finalStage("ENTRYPOINT");
        if (entrypoints.size() != 1) {
            throw new AssertionError("The final stage needs exactly one ENTRYPOINT, found " + entrypoints.size());
        }
        String entrypoint = entrypoints.get(0);
        if (!entrypoint.startsWith("[")) {
            throw new AssertionError("ENTRYPOINT must be in exec form (a JSON array), not: " + entrypoint);
        }
        return JSON.readValue(entrypoint, new TypeReference<List<String>>() {
        });
    }

    /** The final stage's environment, from {@code ENV name=value …} instructions (values may be double-quoted). */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String arguments : finalStage("ENV")) {
            for (String pair : words(arguments)) {
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    throw new AssertionError("ENV must be written as name=value pairs, not: " + arguments);
                }
                env.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        return env;
    }

    /** Splits on whitespace outside double quotes and drops the quotes. */
    public static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
