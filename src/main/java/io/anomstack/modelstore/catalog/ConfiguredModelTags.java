package io.anomstack.modelstore.catalog;

import java.util.List;

/** The model tags a batch is configured with (the tags of Anomstack's {@code model_configs}), where they are known. */
public interface ConfiguredModelTags {

    /** The batch's configured tags; empty when nothing configures the batch. */
    List<String> modelTags(String batch);
}
