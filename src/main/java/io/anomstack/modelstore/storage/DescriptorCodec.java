package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelDescriptor;
import tools.jackson.databind.json.JsonMapper;

/** Reads and writes the JSON documents the service keeps in S3: metadata documents and latest pointers. */
final class DescriptorCodec {

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
}
