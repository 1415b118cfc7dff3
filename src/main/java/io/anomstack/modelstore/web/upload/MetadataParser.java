package io.anomstack.modelstore.web.upload;

import io.anomstack.modelstore.catalog.InvalidRequestException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Parses the uploader's metadata: a JSON object of at most 64 KiB. */
@Component
public class MetadataParser {

    static final int MAX_BYTES = 64 * 1024;

    private final JsonMapper mapper;

    MetadataParser(JsonMapper mapper) {
        // A key given twice has no meaning a reader could rely on: refuse it rather than keep one silently.
        this.mapper = mapper.rebuild().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    /** The metadata object, or an empty one when {@code json} is null or blank. */
    @SuppressWarnings("unchecked")
    Map<String, Object> parse(String json, String source) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new InvalidRequestException("The " + source + " is larger than 64 KiB; keep large artefacts in the model itself.");
        }
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidRequestException("The " + source + " is not valid JSON: " + e.getOriginalMessage()
                    + ". Send a JSON object such as {\"n_components\": 3}.", e);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidRequestException("The " + source + " must be a JSON object such as {\"n_components\": 3}, not "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()) + ".");
        }
        return mapper.convertValue(node, Map.class);
    }
}
