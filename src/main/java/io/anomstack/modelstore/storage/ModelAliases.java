package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.ObjectSettings;
import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.VersionId;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Named aliases of a model's versions ({@code production}, {@code champion}…): one small object per alias holding
 * the descriptor of the version it points to, so that resolving an alias costs one GET, like latest.
 */
final class ModelAliases {

    private final ObjectRequests operations;
    private final S3KeyLayout layout;
    private final DescriptorCodec codec;
    private final ObjectSettings.PerBatch settings;

    ModelAliases(ObjectRequests operations, S3KeyLayout layout, DescriptorCodec codec, ObjectSettings.PerBatch settings) {
        this.settings = settings;
        this.operations = operations;
        this.layout = layout;
        this.codec = codec;
    }

    Optional<ModelDescriptor> get(ModelRef model, String alias) {
        return operations.read(layout.aliasKey(model, alias)).map(doc -> codec.read(doc.bytes()));
    }

    void set(ModelRef model, String alias, ModelDescriptor version) {
        operations.replaceDocument(layout.aliasKey(model, alias), codec.write(version.asVersion()),
                settings.forBatch(model.batch()));
    }

    /** @return whether the alias existed */
    boolean delete(ModelRef model, String alias) {
        if (get(model, alias).isEmpty()) {
            return false;
        }
        operations.delete(layout.aliasKey(model, alias));
        return true;
    }

    /** Every alias of the model and the version it points to, sorted by alias. */
    Map<String, VersionId> all(ModelRef model) {
        Map<String, VersionId> aliases = new TreeMap<>();
        for (String key : keys(model)) {
            operations.read(key).map(doc -> codec.read(doc.bytes()))
                    .ifPresent(version -> aliases.put(layout.aliasOfKey(key), version.versionId()));
        }
        return aliases;
    }

    List<String> keys(ModelRef model) {
        return operations.listKeys(layout.aliasesFolder(model), true);
    }
}
