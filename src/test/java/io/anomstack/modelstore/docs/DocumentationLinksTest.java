package io.anomstack.modelstore.docs;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation hangs together: every relative link in README.md, docs/*.md and the chart's and Python client's
 * READMEs points at a file that exists, every {@code #anchor} on a link to a markdown file names one of its headings
 * (GitHub's slugs), and the README stays a front page.
 */
class DocumentationLinksTest {

    private static final int README_MAX_LINES = 250;

    /** Inline links {@code [text](target "title")}, and images; the target is group 1. */
    private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** Reference definitions {@code [label]: target}. */
    private static final Pattern REFERENCE = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    @Test
    void readmeIsAFrontPage() throws IOException {
        assertThat(Files.readAllLines(Path.of("README.md"))).as("README.md lines").hasSizeLessThanOrEqualTo(README_MAX_LINES);
    }

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<Path> documents = documents();
        assertThat(documents).contains(Path.of("README.md"), Path.of("docs", "configuration.md"));
        List<String> broken = new ArrayList<>();
        for (Path document : documents) {
            for (String target : links(Files.readString(document))) {
                String problem = check(document, target);
                if (problem != null) {
                    broken.add(document + ": " + target + " (" + problem + ")");
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void slugsFollowGitHub() {
        assertThat(slugs("# Large models, compression and integrity\n## `S3_SSE` and KMS\n## Errors\n## Errors\n"))
                .containsExactly("large-models-compression-and-integrity", "s3_sse-and-kms", "errors", "errors-1");
        assertThat(links("[a](docs/x.md#y) `[b](no.md)`\n```\n[c](nope.md)\n```\n[d]: other.md\n"))
                .containsExactly("docs/x.md#y", "other.md");
    }

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md"),
                Path.of("helm", "anomstack-model-store", "README.md"), Path.of("clients", "python", "README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    /** Why the link is broken, or null when it resolves. */
    private static String check(Path document, String target) throws IOException {
        if (SCHEME.matcher(target).find() || target.startsWith("//")) {
            return null;   // absolute URL: not checked here
        }
        int hash = target.indexOf('#');
        String file = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
        String anchor = hash < 0 ? null : URLDecoder.decode(target.substring(hash + 1), StandardCharsets.UTF_8);
        int query = file.indexOf('?');
        if (query >= 0) {
            file = file.substring(0, query);
        }
        Path resolved = file.isEmpty() ? document : document.toAbsolutePath().getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (anchor == null || anchor.isEmpty() || !resolved.toString().endsWith(".md")) {
            return null;
        }
        Set<String> slugs = slugs(Files.readString(resolved));
        return slugs.contains(anchor) ? null : "no heading with the anchor #" + anchor + " in " + resolved.getFileName();
    }

    /** Link targets outside code: fenced blocks and inline code spans are skipped. */
    static List<String> links(String markdown) {
        String prose = withoutCode(markdown);
        List<String> targets = new ArrayList<>();
        for (Pattern pattern : List.of(INLINE_LINK, REFERENCE)) {
            Matcher m = pattern.matcher(prose);
            while (m.find()) {
                targets.add(m.group(1));
            }
        }
        return targets;
    }

    /** The anchors GitHub gives the headings: lowercased, punctuation but '-' and '_' dropped, spaces to '-'. */
    static Set<String> slugs(String markdown) {
        Set<String> slugs = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```") || line.strip().startsWith("~~~")) {
                fenced = !fenced;
                continue;
            }
            Matcher m = HEADING.matcher(line);
            if (fenced || !m.matches()) {
                continue;
            }
            String text = m.group(2).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");   // a link's text only
            String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\s_-]", "").replaceAll("\\s", "-");
            int count = seen.merge(slug, 1, Integer::sum);
            slugs.add(count == 1 ? slug : slug + "-" + (count - 1));
        }
        return slugs;
    }

    private static String withoutCode(String markdown) {
        StringBuilder prose = new StringBuilder();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```") || line.strip().startsWith("~~~")) {
                fenced = !fenced;
                prose.append('\n');
                continue;
            }
            prose.append(fenced ? "" : line).append('\n');
        }
        return prose.toString().replaceAll("`[^`]*`", "``");   // code spans, also over a line break
    }
}
