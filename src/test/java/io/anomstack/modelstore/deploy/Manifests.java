package io.anomstack.modelstore.deploy;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.StreamSupport;

/** The Kubernetes objects {@code helm template} rendered, as JSON trees (navigate with {@link JsonNode#at}). */
record Manifests(List<JsonNode> objects) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Manifests parse(String rendered) {
        List<JsonNode> objects = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(rendered)) {
            if (document != null) {
                objects.add(JSON.valueToTree(document));
            }
        }
        return new Manifests(List.copyOf(objects));
    }

    List<String> kinds() {
        return objects.stream().map(o -> o.path("kind").asString()).toList();
    }

    Optional<JsonNode> find(String kind) {
        List<JsonNode> ofKind = objects.stream().filter(o -> o.path("kind").asString().equals(kind)).toList();
        if (ofKind.size() > 1) {
            throw new AssertionError("more than one " + kind + ": " + ofKind);
        }
        return ofKind.stream().findFirst();
    }

    JsonNode one(String kind) {
        return find(kind).orElseThrow(() -> new AssertionError("no " + kind + " rendered, only " + kinds()));
    }

    JsonNode named(String kind, String name) {
        return objects.stream()
                .filter(o -> o.path("kind").asString().equals(kind) && o.at("/metadata/name").asString().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " rendered"));
    }

    JsonNode deployment() {
        return one("Deployment");
    }

    /** The service's container, the only one of the pod. */
    JsonNode container() {
        JsonNode containers = deployment().at("/spec/template/spec/containers");
        if (containers.size() != 1) {
            throw new AssertionError("expected one container, got " + containers);
        }
        return containers.get(0);
    }

    /** A ConfigMap's data, or a Secret's stringData (the chart writes its Secret in plain text; the API server encodes it). */
    Map<String, String> data(String kind, String name) {
        Map<String, String> data = new LinkedHashMap<>();
        named(kind, name).path(kind.equals("Secret") ? "stringData" : "data").properties()
                .forEach(e -> data.put(e.getKey(), e.getValue().asString()));
        return data;
    }

    /**
     * The environment the kubelet gives the container: envFrom (ConfigMaps and Secrets, in order), then env entries
     * (plain values and ConfigMap or Secret key references), later ones winning. Every referenced object must be part of
     * the rendering.
     */
    Map<String, String> containerEnvironment() {
        JsonNode container = container();
        Map<String, String> environment = new LinkedHashMap<>();
        for (JsonNode source : container.path("envFrom")) {
            if (source.has("configMapRef")) {
                environment.putAll(data("ConfigMap", source.at("/configMapRef/name").asString()));
            } else {
                environment.putAll(data("Secret", source.at("/secretRef/name").asString()));
            }
        }
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asString();
            JsonNode from = variable.path("valueFrom");
            if (from.has("configMapKeyRef")) {
                environment.put(name, keyOf("ConfigMap", from.path("configMapKeyRef")));
            } else if (from.has("secretKeyRef")) {
                environment.put(name, keyOf("Secret", from.path("secretKeyRef")));
            } else {
                environment.put(name, variable.path("value").asString());
            }
        }
        return environment;
    }

    private String keyOf(String kind, JsonNode reference) {
        String value = data(kind, reference.path("name").asString()).get(reference.path("key").asString());
        return Objects.requireNonNull(value, () -> kind + " key " + reference + " is not rendered");
    }

    /** What the pod mounts from ConfigMaps: mount path -> file name -> content. */
    Map<String, Map<String, String>> configMapMounts() {
        JsonNode pod = deployment().at("/spec/template/spec");
        Map<String, Map<String, String>> mounts = new LinkedHashMap<>();
        for (JsonNode mount : container().path("volumeMounts")) {
            StreamSupport.stream(pod.path("volumes").spliterator(), false)
                    .filter(v -> v.path("name").asString().equals(mount.path("name").asString()) && v.has("configMap"))
                    .findFirst()
                    .ifPresent(v -> mounts.put(mount.path("mountPath").asString(),
                            data("ConfigMap", v.at("/configMap/name").asString())));
        }
        return mounts;
    }
}
