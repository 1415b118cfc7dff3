package io.anomstack.modelstore.config;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The configuration reference: every {@code modelstore.*} property in the metadata the build writes
 * (spring-boot-configuration-processor: the properties records' Javadoc and {@code @DefaultValue}s, merged with
 * {@code META-INF/additional-spring-configuration-metadata.json}) has a description, every {@code modelstore.*}
 * setting of {@code application.yml} is in it with the same default, and the table between the markers of
 * {@code docs/configuration.md} is exactly the one rendered from it.
 * <p>
 * When a property changes, regenerate the table with
 * {@code ./mvnw -B -ntp test -Dtest=ConfigurationReferenceTest -Dconfiguration.reference.write=true}.
 */
class ConfigurationReferenceTest {

    static final Path METADATA = Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");
    static final Path ADDITIONAL = Path.of("src", "main", "resources", "META-INF", "additional-spring-configuration-metadata.json");
    static final Path APPLICATION_YML = Path.of("src", "main", "resources", "application.yml");
    static final Path REFERENCE = Path.of("docs", "configuration.md");
    static final String START = "<!-- properties:start -->";
    static final String END = "<!-- properties:end -->";
    static final String WRITE = "configuration.reference.write";
    static final String REGENERATE = "./mvnw -B -ntp test -Dtest=ConfigurationReferenceTest -D" + WRITE + "=true";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)(?::(.*))?}", Pattern.DOTALL);

    /** The modelstore.* properties by name. */
    private static Map<String, Property> properties;
    /** The modelstore.* settings of application.yml by name, unresolved ({@code ${S3_BUCKET_NAME:}}). */
    private static Map<String, String> applicationYml;

    record Property(String name, String type, String description, String defaultValue) {
    }

    /** What application.yml puts in a property: the environment variables it reads, in order, and its default. */
    record Mapping(List<String> variables, String defaultValue) {

        static Mapping of(String value) {
            List<String> variables = new ArrayList<>();
            String rest = value.trim();
            Matcher placeholder = PLACEHOLDER.matcher(rest);
            while (placeholder.matches()) {
                variables.add(placeholder.group(1));
                rest = placeholder.group(2);
                if (rest == null) {
                    break;
                }
                placeholder = PLACEHOLDER.matcher(rest);
            }
            return new Mapping(List.copyOf(variables), rest);
        }
    }

    @BeforeAll
    static void readMetadata() throws IOException {
        if (!Files.isRegularFile(METADATA)) {
            fail(METADATA + " is missing: the configuration processor writes it when the main sources compile "
                    + "(./mvnw -B -ntp compile).");
        }
        JsonMapper json = JsonMapper.builder().build();
        Map<String, Property> byName = new TreeMap<>();
        read(json.readTree(METADATA.toFile()), byName);
        // The processor merges the additional file only when it runs; merging it here as well keeps an edit of that
        // file alone (no Java source changed, so no annotation processing) from being checked against stale metadata.
        read(json.readTree(ADDITIONAL.toFile()), byName);
        properties = byName;

        PropertySource<?> yml = new YamlPropertySourceLoader()
                .load("application.yml", new FileSystemResource(APPLICATION_YML)).get(0);
        Map<String, String> settings = new TreeMap<>();
        for (String name : ((EnumerablePropertySource<?>) yml).getPropertyNames()) {
            if (name.startsWith("modelstore.")) {
                settings.put(name, String.valueOf(yml.getProperty(name)));
            }
        }
        applicationYml = settings;
    }

    private static void read(JsonNode metadata, Map<String, Property> into) {
        for (JsonNode node : metadata.path("properties")) {
            String name = node.path("name").asString();
            if (!name.startsWith("modelstore.")) {
                continue;
            }
            Property known = into.get(name);
            into.put(name, new Property(name,
                    text(node, "type", known == null ? null : known.type()),
                    text(node, "description", known == null ? null : known.description()),
                    node.has("defaultValue") ? defaultValue(node.get("defaultValue")) : known == null ? null : known.defaultValue()));
        }
    }

    private static String text(JsonNode node, String field, String otherwise) {
        return node.hasNonNull(field) ? node.get(field).asString() : otherwise;
    }

    /** A default as it would be written in application.yml or an environment variable; empty means none. */
    private static String defaultValue(JsonNode value) {
        if (value.isArray()) {
            return StreamSupport.stream(value.spliterator(), false).map(JsonNode::asString).collect(Collectors.joining(","));
        }
        return value.isNull() ? null : value.asString();
    }

    @Test
    void everyPropertyHasADescription() {
        assertThat(properties).as("modelstore.* properties in %s", METADATA).isNotEmpty();
        List<String> undescribed = properties.values().stream()
                .filter(property -> property.description() == null || property.description().isBlank())
                .map(Property::name).toList();
        assertThat(undescribed)
                .as("modelstore.* properties without a description: give the record component an @param in the record's "
                        + "Javadoc, or an entry in %s for a property no record binds", ADDITIONAL)
                .isEmpty();
    }

    @Test
    void everyModelstoreSettingOfApplicationYmlIsAPropertyOfTheMetadataWithTheSameDefault() {
        List<String> problems = new ArrayList<>();
        applicationYml.forEach((name, value) -> {
            Property property = properties.get(name);
            if (property == null) {
                problems.add(name + " is set in application.yml but is no property in the metadata: bind it in a "
                        + "@ConfigurationProperties record, or describe it in " + ADDITIONAL);
                return;
            }
            String ymlDefault = blankToNull(Mapping.of(value).defaultValue());
            if (!Objects.equals(ymlDefault, blankToNull(property.defaultValue()))) {
                problems.add(name + " defaults to '" + ymlDefault + "' in application.yml but to '" + property.defaultValue()
                        + "' in the metadata (@DefaultValue or " + ADDITIONAL + "): make them the same");
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void docsConfigurationMdHoldsTheReferenceRenderedFromTheMetadata() throws IOException {
        String document = Files.readString(REFERENCE);
        int start = document.indexOf(START);
        int end = document.indexOf(END);
        if (start < 0 || end < start) {
            fail(REFERENCE + " needs the marker lines " + START + " and " + END + ", in this order, around the reference.");
        }
        String current = document.substring(start + START.length(), end);
        String rendered = "\n" + table() + "\n";
        if (current.equals(rendered)) {
            return;
        }
        if (Boolean.getBoolean(WRITE)) {
            Files.writeString(REFERENCE, document.substring(0, start + START.length()) + rendered + document.substring(end));
            return;
        }
        assertThat(current)
                .as("%s is not the reference rendered from the configuration metadata. Regenerate it with %s, "
                        + "and commit the result.", REFERENCE, REGENERATE)
                .isEqualTo(rendered);
    }

    /** The reference: one row per property, sorted by name. */
    static String table() {
        StringBuilder table = new StringBuilder()
                .append("| Property | Environment variable | Default | Description |\n")
                .append("|---|---|---|---|\n");
        for (Property property : properties.values()) {
            table.append("| `").append(property.name()).append("` | ")
                    .append(environmentVariables(property).stream().map(variable -> "`" + variable + "`")
                            .collect(Collectors.joining("<br>")))
                    .append(" | ")
                    .append(blankToNull(property.defaultValue()) == null ? "*(none)*" : "`" + cell(property.defaultValue()) + "`")
                    .append(" | ").append(sentence(property.description())).append(" |\n");
        }
        return table.toString();
    }

    /**
     * The variables that set a property: those application.yml maps to it first, then the one Spring Boot binds to every
     * property (upper case, dashes removed, dots as underscores; a list of records takes one variable per index and
     * component).
     */
    static List<String> environmentVariables(Property property) {
        List<String> variables = new ArrayList<>();
        String yml = applicationYml.get(property.name());
        if (yml != null) {
            variables.addAll(Mapping.of(yml).variables());
        }
        String relaxed = relaxed(property.name());
        Class<?> element = recordElement(property.type());
        if (element == null) {
            variables.add(relaxed);
        } else {
            for (var component : element.getRecordComponents()) {
                variables.add(relaxed + "_0_" + relaxed(component.getName()));
            }
        }
        return variables.stream().distinct().toList();
    }

    /** Spring Boot's environment variable of a property name: MODELSTORE_S3_CLIENT_MAXATTEMPTS. */
    static String relaxed(String name) {
        return name.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The record type of a {@code java.util.List<…>} property, or null for any other type. */
    private static Class<?> recordElement(String type) {
        if (type == null || !type.startsWith("java.util.List<") || !type.endsWith(">")) {
            return null;
        }
        try {
            Class<?> element = Class.forName(type.substring("java.util.List<".length(), type.length() - 1));
            return element.isRecord() ? element : null;
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** Javadoc as Markdown, one table cell, starting with a capital and ending with a full stop. */
    static String sentence(String javadoc) {
        String text = javadoc.replaceAll("\\{@(?:code|literal) ([^}]*)}", "`$1`")
                .replaceAll("\\{@link(?:plain)? #?[^} ]* ([^}]*)}", "$1")
                .replaceAll("\\{@link(?:plain)? #?([^} ]*)}", "$1")
                .replaceAll("\\s+", " ").trim();
        text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return cell(text.endsWith(".") ? text : text + ".");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
