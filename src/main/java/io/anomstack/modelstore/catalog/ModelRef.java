package io.anomstack.modelstore.catalog;

/**
 * Identifies one model: a metric of a metric batch and, when the metric has several models
 * (one per Anomstack {@code model_configs} entry), the model's tag.
 *
 * @param batch  the metric batch
 * @param metric the metric
 * @param tag    the model tag, or {@code null} for the metric's untagged model
 */
public record ModelRef(String batch, String metric, String tag) {

    public ModelRef {
        ModelNames.require("batch", batch);
        ModelNames.require("metric", metric);
        if (tag != null && tag.isEmpty()) {
            throw new InvalidNameException("tag", tag, "must not be empty; leave the tag out for the metric's untagged model");
        }
        if (tag != null) {
            ModelNames.requireTag(tag);
        }
    }

    public static ModelRef of(String batch, String metric) {
        return new ModelRef(batch, metric, null);
    }

    @Override
    public String toString() {
        return batch + "/" + metric + (tag == null ? "" : "?tag=" + tag);
    }
}
