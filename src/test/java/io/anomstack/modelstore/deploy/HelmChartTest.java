package io.anomstack.modelstore.deploy;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.anomstack.modelstore.deploy.HelmChart.ALL_FEATURES;
import static io.anomstack.modelstore.deploy.HelmChart.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Helm chart for EKS, as Helm lints and renders it, with its defaults and with every optional part on. */
class HelmChartTest {

    private static Manifests DEFAULTS;
    private static Manifests ALL;
    private static final List<String> OPTIONAL_KINDS =
            List.of("HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "PrometheusRule",
                    "Ingress");

    @TempDir
    Path workDir;

    @BeforeAll
    static void renderTheDefaultsAndEveryFeature() {
        DEFAULTS = render(null);
        ALL = render(ALL_FEATURES);
    }

    @Test
    void lintsCleanWithTheDefaultsAndWithEveryFeatureOn() {
        for (Path values : new Path[]{null, ALL_FEATURES}) {
            LintResult lint = HelmChart.lint(values, workDir);
            assertThat(lint.isFailed()).as("helm lint --strict with %s: %s", values, lint.getMessages()).isFalse();
        }
    }

    @Test
    void probesAskTheActuatorHealthGroupsOnThePortTheServiceListensOn() {
        ServiceConfiguration service = ServiceConfiguration.read();
        for (Manifests manifests : List.of(DEFAULTS, ALL)) {
            JsonNode container = manifests.container();
            assertThat(container.at("/ports/0/name").asString()).isEqualTo("http");
            assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(service.defaultPort());
            assertThat(manifests.containerEnvironment()).containsEntry("SERVER_PORT", String.valueOf(service.defaultPort()));
            assertThat(container.at("/startupProbe/httpGet/path").asString()).isEqualTo(service.healthGroupPath("liveness"));
            assertThat(container.at("/livenessProbe/httpGet/path").asString()).isEqualTo(service.healthGroupPath("liveness"));
            assertThat(container.at("/readinessProbe/httpGet/path").asString()).isEqualTo(service.healthGroupPath("readiness"));
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                assertThat(container.at("/" + probe + "/httpGet/port").asString()).as(probe).isEqualTo("http");
            }
        }
    }

    @Test
    void theS3ApiHasAPortOfItsOwnOnThePodTheServiceAndTheNetworkPolicy() {
        for (Manifests manifests : List.of(DEFAULTS, ALL)) {
            JsonNode container = manifests.container();
            assertThat(container.at("/ports/1/name").asString()).isEqualTo("s3");
            assertThat(container.at("/ports/1/containerPort").asInt()).isEqualTo(9000);
            assertThat(manifests.containerEnvironment()).containsEntry("MODELSTORE_S3API_ENABLED", "true")
                    .containsEntry("MODELSTORE_S3API_PORT", "9000");
            JsonNode service = manifests.one("Service");
            assertThat(service.at("/spec/ports/1/name").asString()).isEqualTo("s3");
            assertThat(service.at("/spec/ports/1/port").asInt()).isEqualTo(9000);
            assertThat(service.at("/spec/ports/1/targetPort").asString()).isEqualTo("s3");
        }
        assertThat(ALL.one("NetworkPolicy").at("/spec/ingress/0/ports/1/port").asString()).isEqualTo("s3");

        Manifests off = render(null, Map.of("s3Api.enabled", false, "networkPolicy.enabled", true));
        assertThat(off.containerEnvironment()).containsEntry("MODELSTORE_S3API_ENABLED", "false")
                .doesNotContainKey("MODELSTORE_S3API_PORT");
        assertThat(off.container().at("/ports/1").isMissingNode()).isTrue();
        assertThat(off.one("Service").at("/spec/ports/1").isMissingNode()).isTrue();
        assertThat(off.one("NetworkPolicy").at("/spec/ingress/0/ports/1").isMissingNode()).isTrue();
    }

    @Test
    void theIrsaRoleAnnotatesTheServiceAccountThePodsRunAs() {
        JsonNode account = ALL.one("ServiceAccount");
        assertThat(account.at("/metadata/annotations/eks.amazonaws.com~1role-arn").asString())
                .isEqualTo("arn:aws:iam::123456789012:role/anomstack-model-store");
        assertThat(account.at("/metadata/annotations/eks.amazonaws.com~1token-expiration").asString()).isEqualTo("86400");
        assertThat(ALL.deployment().at("/spec/template/spec/serviceAccountName").asString())
                .isEqualTo(account.at("/metadata/name").asString());
        assertThat(DEFAULTS.one("ServiceAccount").at("/metadata/annotations").isMissingNode()).isTrue();
    }

    @Test
    void theBucketRegionIsAPlainContainerVariableThatThePodIdentityWebhookLeavesAlone() {
        JsonNode region = ALL.container().path("env").get(0);
        assertThat(region.path("name").asString()).isEqualTo("AWS_REGION");
        assertThat(ALL.containerEnvironment()).containsEntry("AWS_REGION", "eu-west-1");
    }

    @Test
    void nothingRunsAsRootOrCanGainPrivilegesAndOnlyTmpIsWritable() {
        for (Manifests manifests : List.of(DEFAULTS, ALL)) {
            JsonNode pod = manifests.deployment().at("/spec/template/spec");
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
            assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
            assertThat(pod.at("/securityContext/seccompProfile/type").asString()).isEqualTo("RuntimeDefault");
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
            for (JsonNode container : pod.path("containers")) {
                JsonNode security = container.path("securityContext");
                assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
                assertThat(security.path("runAsUser").asInt()).isEqualTo(10001);
                assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
                assertThat(security.at("/capabilities/drop").valueStream().map(JsonNode::asString)).containsExactly("ALL");
                assertThat(security.has("privileged")).isFalse();
                assertThat(mountPaths(container)).contains("/tmp");
            }
            assertThat(pod.path("volumes").valueStream().filter(v -> v.path("name").asString().equals("tmp")))
                    .singleElement().satisfies(v -> assertThat(v.has("emptyDir")).isTrue());
        }
    }

    @Test
    void theApiKeysInTheSecretReachTheContainerAsTheVariablesTheServiceBinds() {
        Map<String, String> secret = ALL.data("Secret", "model-store-anomstack-model-store");
        assertThat(secret).containsEntry("MODELSTORE_SECURITY_APIKEYS_0_NAME", "trainer-prod")
                .containsEntry("MODELSTORE_SECURITY_APIKEYS_0_SHA256",
                        "61aec255a0676c15e44d05f787900993de6a2d519f17d97d62fcceb845e1a42f")
                .containsEntry("MODELSTORE_SECURITY_APIKEYS_0_ROLE", "writer")
                .containsEntry("MODELSTORE_SECURITY_APIKEYS_0_BATCHES", "prod_*,shared")
                .containsEntry("MODELSTORE_SECURITY_APIKEYS_1_NAME", "prometheus")
                .containsEntry("MODELSTORE_CURSOR_SECRET", "all-features-cursor-secret");
        assertThat(ALL.containerEnvironment()).containsAllEntriesOf(secret);
        assertThat(ALL.data("ConfigMap", "model-store-anomstack-model-store")).doesNotContainKeys(secret.keySet().toArray(String[]::new));
    }

    @Test
    void anExistingSecretReplacesTheChartsSecret() {
        Manifests manifests = render(null, Map.of("s3.bucket", "models", "security.existingSecret", "model-store-keys"));
        assertThat(manifests.find("Secret")).isEmpty();
        assertThat(manifests.container().path("envFrom").valueStream().map(s -> s.at("/secretRef/name").asString()))
                .contains("model-store-keys");

        assertThatThrownBy(() -> render(ALL_FEATURES, Map.of("security.existingSecret", "model-store-keys")))
                .hasMessageContaining("security.existingSecret replaces security.apiKeys");
    }

    @Test
    void theBatchFilesAreMountedWhereMODELSTORE_BATCHES_DIRPoints() {
        String dir = ALL.containerEnvironment().get("MODELSTORE_BATCHES_DIR");
        assertThat(dir).isEqualTo("/etc/anomstack-model-store/batches");
        Map<String, String> files = ALL.configMapMounts().get(dir);
        assertThat(files).containsOnlyKeys("prod_cpu.yaml", "prod_mem.yaml");
        assertThat(files.get("prod_cpu.yaml")).contains("metric_batch: \"prod_cpu\"", "compression: \"gzip\"");
        assertThat((Map<?, ?>) new Yaml().load(files.get("prod_mem.yaml")))
                .isEqualTo(Map.of("metric_batch", "prod_mem", "model_store_params", Map.of("compression", "none")));

        assertThat(DEFAULTS.containerEnvironment()).doesNotContainKey("MODELSTORE_BATCHES_DIR");
        assertThat(DEFAULTS.configMapMounts()).isEmpty();
    }

    @Test
    void optionalResourcesAppearOnlyWhenEnabled() {
        assertThat(DEFAULTS.kinds()).containsExactlyInAnyOrder("ServiceAccount", "ConfigMap", "Service", "Deployment")
                .doesNotContainAnyElementsOf(OPTIONAL_KINDS);
        assertThat(DEFAULTS.deployment().at("/spec/replicas").asInt()).isEqualTo(2);

        assertThat(ALL.kinds()).containsAll(OPTIONAL_KINDS).contains("Secret");
        assertThat(ALL.deployment().at("/spec/replicas").isMissingNode()).as("the HPA owns the replica count").isTrue();
        assertThat(ALL.one("HorizontalPodAutoscaler").at("/spec/scaleTargetRef/name").asString())
                .isEqualTo(ALL.deployment().at("/metadata/name").asString());
        assertThat(ALL.one("Ingress").at("/spec/rules/0/http/paths/0/backend/service/port/name").asString()).isEqualTo("http");
        assertThat(ALL.one("NetworkPolicy").at("/spec/ingress/0/ports/0/port").asString()).isEqualTo("http");
        for (String kind : OPTIONAL_KINDS) {
            Manifests one = render(null, Map.of(switch (kind) {
                case "HorizontalPodAutoscaler" -> "autoscaling.enabled";
                case "PodDisruptionBudget" -> "podDisruptionBudget.enabled";
                case "NetworkPolicy" -> "networkPolicy.enabled";
                case "ServiceMonitor" -> "serviceMonitor.enabled";
                case "PrometheusRule" -> "prometheusRule.enabled";
                default -> "ingress.enabled";
            }, true, "security.allowAnonymous", true));
            assertThat(one.kinds()).as(kind).contains(kind).doesNotContainAnyElementsOf(OPTIONAL_KINDS.stream()
                    .filter(k -> !k.equals(kind)).toList());
        }
    }

    @Test
    void prometheusScrapesWithTheAdminKeyFromASecret() {
        JsonNode endpoint = ALL.one("ServiceMonitor").at("/spec/endpoints/0");
        assertThat(endpoint.path("path").asString()).isEqualTo("/actuator/prometheus");
        assertThat(endpoint.path("port").asString()).isEqualTo("http");
        assertThat(endpoint.at("/authorization/type").asString()).isEqualTo("Bearer");
        assertThat(endpoint.at("/authorization/credentials/name").asString()).isEqualTo("model-store-scrape-key");

        assertThatThrownBy(() -> render(ALL_FEATURES, Map.of("serviceMonitor.bearerTokenSecret.name", "")))
                .hasMessageContaining("/actuator/prometheus takes an admin API key");
    }

    @Test
    void theAlertsWatchThisReleasesPodsOnlyAndEachHasASeverityAndADescription() {
        JsonNode rules = ALL.one("PrometheusRule").at("/spec/groups/0/rules");
        assertThat(rules.valueStream().map(rule -> rule.path("alert").asString())).containsExactly(
                "ModelStoreS3Unavailable", "ModelStoreServerErrors", "ModelStoreUploadsTurnedAway", "ModelStoreDeadUploads");
        String job = "job=\"" + ALL.one("Service").at("/metadata/name").asString() + "\"";
        for (JsonNode rule : rules) {
            String expr = rule.path("expr").asString();
            assertThat(HelmChart.metricsOf(expr)).as(expr).isNotEmpty()
                    .allSatisfy(metric -> assertThat(expr).contains(metric + "{namespace=\"" + HelmChart.NAMESPACE + "\", " + job));
            assertThat(rule.at("/labels/severity").asString()).isIn("critical", "warning", "info");
            assertThat(rule.at("/annotations/description").asString()).isNotBlank().doesNotContain("{{ .");
        }
        assertThat(ALL.one("PrometheusRule").at("/metadata/labels/release").asString()).isEqualTo("kube-prometheus-stack");
    }

    @Test
    void thePodOutlastsTheServicesGracefulShutdown() {
        assertThat(DEFAULTS.containerEnvironment()).containsEntry("MODELSTORE_SHUTDOWN_GRACE_PERIOD", "30s");
        assertThat(gracePeriod(DEFAULTS)).as("preStop 5 s + 30 s + margin 15 s").isEqualTo(50);
        assertThat(DEFAULTS.container().at("/lifecycle/preStop/sleep/seconds").asInt()).isEqualTo(5);
        assertThat(gracePeriod(ALL)).isEqualTo(5 + 45 + 15);
        assertThat(gracePeriod(render(null, Map.of("shutdownGracePeriod", "2m", "preStopSleepSeconds", 0))))
                .isEqualTo(120 + 15);
        assertThat(gracePeriod(render(null, Map.of("shutdownGracePeriod", "1500ms")))).isEqualTo(5 + 2 + 15);
    }

    @Test
    void aRolloutNeverTakesAPodAwayBeforeItsReplacementIsReady() {
        JsonNode strategy = DEFAULTS.deployment().at("/spec/strategy");
        assertThat(strategy.path("type").asString()).isEqualTo("RollingUpdate");
        assertThat(strategy.at("/rollingUpdate/maxUnavailable").asInt(-1)).isZero();
        assertThat(strategy.at("/rollingUpdate/maxSurge").asInt()).isEqualTo(1);
    }

    @Test
    void aChangedSettingOrKeyRollsThePods() {
        Map<String, Object> before = Map.of("s3.bucket", "models", "security.allowAnonymous", true);
        JsonNode annotations = podAnnotations(render(null, before));
        JsonNode otherSetting = podAnnotations(render(null, Map.of("s3.bucket", "models", "security.allowAnonymous", true,
                "s3.storageClass", "STANDARD_IA")));
        assertThat(otherSetting.path("checksum/config")).isNotEqualTo(annotations.path("checksum/config"));
        assertThat(otherSetting.path("checksum/secret")).isEqualTo(annotations.path("checksum/secret"));

        JsonNode otherKey = podAnnotations(render(ALL_FEATURES, Map.of("security.cursorSecret", "rotated")));
        assertThat(otherKey.path("checksum/secret")).isNotEqualTo(podAnnotations(ALL).path("checksum/secret"));
        assertThat(otherKey.path("checksum/config")).isEqualTo(podAnnotations(ALL).path("checksum/config"));
    }

    @Test
    void theDefaultsAreSafe() {
        Map<String, String> environment = DEFAULTS.containerEnvironment();
        assertThat(environment).containsEntry("MODELSTORE_SECURITY_ALLOW_ANONYMOUS", "false")
                .doesNotContainKey("S3_BUCKET_NAME")
                .containsEntry("MODELSTORE_DATA_DIR", "/tmp/modelstore-data");
        assertThat(DEFAULTS.container().path("image").asString()).isEqualTo("ghcr.io/anomstack/anomstack-model-store:"
                + HelmChart.readYaml(HelmChart.CHART.resolve("Chart.yaml")).get("appVersion"));
        assertThat(ALL.container().path("image").asString()).isEqualTo("ghcr.io/anomstack/anomstack-model-store:9.9.9");

        assertThatThrownBy(() -> render(null, Map.of("s3.bucket", "models")))
                .hasMessageContaining("refuses to start with a bucket but no way to authenticate callers");
        assertThat(render(null, Map.of("s3.bucket", "models", "security.jwt.issuerUri", "https://idp.example.com"))
                .containerEnvironment()).containsEntry("MODELSTORE_SECURITY_JWT_ISSUER_URI", "https://idp.example.com");
    }

    @Test
    void theInstallNotesWarnAboutLocalModeAndAnonymousAccess() {
        assertThat(HelmChart.installNotes(null, Map.of())).contains("LOCAL MODE");
        assertThat(HelmChart.installNotes(null, Map.of("s3.bucket", "models", "security.allowAnonymous", true)))
                .contains("security.allowAnonymous=true").doesNotContain("LOCAL MODE");
        assertThat(HelmChart.installNotes(ALL_FEATURES, Map.of())).doesNotContain("WARNING")
                .contains("https://models.internal.example.com/swagger-ui.html");
    }

    @Test
    void theSchemaRejectsBadValues() {
        assertSchemaRejects(Map.of("replicaCount", "x"), "'/replicaCount': got string, want integer");
        assertSchemaRejects(Map.of("shutdownGracePeriod", "soon"), "'/shutdownGracePeriod': 'soon' does not match");
        assertSchemaRejects(Map.of("s3.sse", "rot13"), "'/s3/sse'");
        assertSchemaRejects(Map.of("security.apiKeys[0].name", "k", "security.apiKeys[0].role", "writer",
                "security.apiKeys[0].sha256", "not-a-hash"), "'/security/apiKeys/0/sha256'");
        assertSchemaRejects(Map.of("replicas", 3), "additional properties 'replicas' not allowed");
    }

    private static void assertSchemaRejects(Map<String, ?> set, String reason) {
        assertThatThrownBy(() -> render(null, set)).as("helm template --set %s", set)
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(reason);
    }

    @Test
    void theChartReadmeDocumentsEveryValue() throws Exception {
        String readme = Files.readString(HelmChart.CHART.resolve("README.md"));
        List<String> undocumented = valuePaths("", HelmChart.readYaml(HelmChart.CHART.resolve("values.yaml"))).stream()
                .filter(path -> !documented(readme, path))
                .toList();
        assertThat(undocumented).as("values without a row in the chart README's table").isEmpty();
    }

    /** Every value a user may set: leaves, and maps that are empty by default (free-form ones such as podLabels). */
    @SuppressWarnings("unchecked")
    private static List<String> valuePaths(String prefix, Map<String, Object> values) {
        List<String> paths = new ArrayList<>();
        values.forEach((key, value) -> {
            String path = prefix + key;
            if (value instanceof Map<?, ?> map && !map.isEmpty()) {
                paths.addAll(valuePaths(path + ".", (Map<String, Object>) map));
            } else {
                paths.add(path);
            }
        });
        return paths;
    }

    /** A row for the value itself, or for an object it belongs to (such as securityContext). */
    private static boolean documented(String readme, String path) {
        for (String prefix = path; !prefix.isEmpty(); prefix = prefix.contains(".") ? prefix.substring(0, prefix.lastIndexOf('.')) : "") {
            if (readme.contains("\n| `" + prefix + "` |")) {
                return true;
            }
        }
        return false;
    }

    private static int gracePeriod(Manifests manifests) {
        return manifests.deployment().at("/spec/template/spec/terminationGracePeriodSeconds").asInt();
    }

    private static JsonNode podAnnotations(Manifests manifests) {
        return manifests.deployment().at("/spec/template/metadata/annotations");
    }

    private static List<String> mountPaths(JsonNode container) {
        return container.path("volumeMounts").valueStream().map(m -> m.path("mountPath").asString()).toList();
    }

    /**
     * What the service itself says about its port and probes (src/main/resources/application.yml), so that the chart's
     * probes follow when the service's configuration moves.
     */
    record ServiceConfiguration(int defaultPort, String actuatorBasePath, Map<String, Object> healthGroups) {

        private static final Pattern PORT_DEFAULT = Pattern.compile("\\$\\{SERVER_PORT:(\\d+)}");

        @SuppressWarnings("unchecked")
        static ServiceConfiguration read() {
            Map<String, Object> yaml = HelmChart.readYaml(Path.of("src", "main", "resources", "application.yml"));
            Matcher port = PORT_DEFAULT.matcher(String.valueOf(((Map<String, Object>) yaml.get("server")).get("port")));
            assertThat(port.matches()).as("server.port is ${SERVER_PORT:default}").isTrue();
            Map<String, Object> management = (Map<String, Object>) yaml.get("management");
            Map<String, Object> web = (Map<String, Object>) ((Map<String, Object>) management.get("endpoints")).get("web");
            Map<String, Object> health = (Map<String, Object>) ((Map<String, Object>) management.get("endpoint")).get("health");
            assertThat(((Map<String, Object>) health.get("probes")).get("enabled")).isEqualTo(true);
            return new ServiceConfiguration(Integer.parseInt(port.group(1)),
                    String.valueOf(web.getOrDefault("base-path", "/actuator")),
                    (Map<String, Object>) health.get("group"));
        }

        String healthGroupPath(String group) {
            assertThat(healthGroups).as("health groups of application.yml").containsKey(group);
            return actuatorBasePath + "/health/" + group;
        }
    }
}
