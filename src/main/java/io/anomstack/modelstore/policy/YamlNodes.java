package io.anomstack.modelstore.policy;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.Locale;

import static io.anomstack.modelstore.policy.ProblemText.quote;

/** Single values read from SnakeYAML nodes, and the words and line numbers that describe a node in a problem. */
final class YamlNodes {

    private YamlNodes() {
    }

    /** A value that cannot be used: the node it is at and the sentence that says why. */
    static final class Invalid extends Exception {
        final transient Node node;

        Invalid(Node node, String sentence) {
            super(sentence, null, false, false);
            this.node = node;
        }
    }

    /** A scalar's text, trimmed; {@code null} when the YAML value is null (the key is as good as left out). */
    static @Nullable String text(Node value, String key) throws Invalid {
        if (isNull(value)) {
            return null;
        }
        if (!(value instanceof ScalarNode scalar)) {
            throw new Invalid(value, key + " must be a single value, not " + kind(value) + ".");
        }
        return scalar.getValue().trim();
    }

    /** A YAML 1.1 boolean (true/false, yes/no, on/off, any case); {@code null} when the YAML value is null. */
    static @Nullable Boolean bool(Node value, String key) throws Invalid {
        String text = text(value, key);
        if (text == null) {
            return null;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> Boolean.TRUE;
            case "false", "no", "off" -> Boolean.FALSE;
            default -> throw new Invalid(value, key + " '" + quote(text) + "' is not true or false.");
        };
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /** What the node is, as a sentence names it: a mapping, a list or a single value. */
    static String kind(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "a single value";
    }

    /** The line the node starts on, counting from 1. */
    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }
}
