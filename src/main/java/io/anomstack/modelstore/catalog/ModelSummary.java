package io.anomstack.modelstore.catalog;

/** One model of a batch and its latest version. */
public record ModelSummary(String metric, String tag, ModelDescriptor latest) {
}
