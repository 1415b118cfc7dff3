package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.LatestChange;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Reads and writes the JSON documents the service keeps in S3: metadata documents and latest pointers. A pointer is
 * the latest version's descriptor with one more field, {@code latest_history}, which readers of a descriptor ignore
 * (so replicas of an earlier release read the pointer as before).
 */
final class DescriptorCodec {

    private static final String HISTORY = "latest_history";
    private static final TypeReference<List<LatestChange>> CHANGES = new TypeReference<>() {
    };

    private final JsonMapper mapper;

    DescriptorCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    byte[] write(ModelDescriptor descriptor) {
        return mapper.writeValueAsBytes(descriptor);
    }

    ModelDescriptor read(byte[] json) {
        return mapper.readValue(json, ModelDescriptor.class);
    }

    byte[] writeLatest(ModelDescriptor latest, List<LatestChange> history) {
        ObjectNode document = mapper.valueToTree(latest);
        document.set(HISTORY, mapper.valueToTree(history));
        return mapper.writeValueAsBytes(document);
    }

    /** The pointer's descriptor and history; a pointer written before the history was kept has none. */
    LatestPointer readLatest(byte[] json, String eTag) {
        ObjectNode document = (ObjectNode) mapper.readTree(json);
        JsonNode history = document.remove(HISTORY);
        return new LatestPointer(mapper.treeToValue(document, ModelDescriptor.class),
                history == null ? List.of() : mapper.convertValue(history, CHANGES), eTag);
    }
}
