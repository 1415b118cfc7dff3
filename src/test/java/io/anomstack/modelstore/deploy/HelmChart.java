package io.anomstack.modelstore.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.anomstack.modelstore.support.Directories;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The chart in helm/anomstack-model-store, linted and rendered by Helm itself (helm-java bundles it natively). */
final class HelmChart {

    static final Path CHART = Path.of("helm", "anomstack-model-store");
    static final Path ALL_FEATURES = Path.of("src", "test", "resources", "helm", "all-features-values.yaml");
    static final String RELEASE = "model-store";
    static final String NAMESPACE = "anomstack";
    /** The oldest Kubernetes version in EKS standard support when the chart was written. */
    static final String KUBE_VERSION = "1.31.0";

    private static final Pattern METRIC = Pattern.compile("modelstore_[a-z0-9_]+");

    private HelmChart() {
    }

    /** {@code helm template} with the chart's defaults, then {@code valuesFile} (may be null), then {@code set}. */
    static Manifests render(Path valuesFile, Map<String, ?> set) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            template.withValuesFile(valuesFile);
        }
        set.forEach(template::set);
        return Manifests.parse(template.call());
    }

    /** The NOTES.txt {@code helm install} prints, from a client-only dry run. */
    static String installNotes(Path valuesFile, Map<String, ?> set) {
        InstallCommand install = new Helm(CHART).install().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION).dryRun().clientOnly();
        if (valuesFile != null) {
            install.withValuesFile(valuesFile);
        }
        set.forEach(install::set);
        String output = install.call().getOutput();
        return output.substring(output.indexOf("NOTES:"));
    }

    /** The service's metrics a PromQL expression names. */
    static Set<String> metricsOf(String expr) {
        return METRIC.matcher(expr).results().map(MatchResult::group).collect(Collectors.toCollection(TreeSet::new));
    }

    static Manifests render(Path valuesFile) {
        return render(valuesFile, Map.of());
    }

    /**
     * {@code helm lint --strict} with {@code valuesFile} merged over the defaults. Lint reads only the chart's own
     * values.yaml, so the chart is copied to {@code workDir} with the merged values in its place.
     */
    static LintResult lint(Path valuesFile, Path workDir) {
        Path chart = CHART;
        if (valuesFile != null) {
            chart = workDir.resolve(CHART.getFileName());
            Directories.copy(CHART, chart);
            Map<String, Object> merged = merge(readYaml(CHART.resolve("values.yaml")), readYaml(valuesFile));
            write(chart.resolve("values.yaml"), new Yaml().dump(merged));
        }
        return new Helm(chart).lint().strict().call();
    }

    /** Helm's merge of values: maps merge key by key, anything else in {@code over} replaces. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        over.forEach((key, value) -> merged.merge(key, value, (a, b) -> a instanceof Map && b instanceof Map
                ? merge((Map<String, Object>) a, (Map<String, Object>) b) : b));
        return merged;
    }

    static Map<String, Object> readYaml(Path file) {
        try {
            return new Yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
