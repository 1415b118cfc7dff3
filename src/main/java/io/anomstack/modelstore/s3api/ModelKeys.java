package io.anomstack.modelstore.s3api;

import io.anomstack.modelstore.catalog.InvalidNameException;
import io.anomstack.modelstore.catalog.ModelNames;
import io.anomstack.modelstore.catalog.ModelRef;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one rule between S3 keys and models: {@code {prefix}/{batch}/{metric}_{tag}.{ext}} is the model
 * {@code batch}/{@code metric} with tag {@code tag} when {@code tag} is a known model tag (Anomstack's defaults, the
 * setting's, and those the batch's own file names in its {@code model_configs}), otherwise
 * {@code {prefix}/{batch}/{stem}.{ext}} is the untagged model of the metric {@code stem}. A key that fits neither is
 * refused, never guessed at.
 */
final class ModelKeys {

    /** Anomstack's default {@code model_configs}. */
    static final List<String> ANOMSTACK_TAGS = List.of("pca_default", "knn_default");

    private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]{1,16}");

    private final String prefix;
    private final Set<String> tags;
    private final Function<String, Collection<String>> batchTags;

    /**
     * @param prefix    the models' folder, without a trailing slash; empty for the bucket's root
     * @param extraTags tags known in every batch besides Anomstack's defaults
     * @param batchTags the tags a batch's own file names in its {@code model_configs}
     */
    ModelKeys(String prefix, List<String> extraTags, Function<String, Collection<String>> batchTags) {
        this.prefix = prefix.isEmpty() ? "" : prefix + "/";
        Set<String> known = new LinkedHashSet<>(ANOMSTACK_TAGS);
        for (String tag : extraTags) {
            known.add(ModelNames.requireTag(tag));
        }
        this.tags = Set.copyOf(known);
        this.batchTags = batchTags;
    }

    /** A model and the file extension its key names. */
    record ModelKey(ModelRef model, String extension) {
    }

    /** The folder of every model key, such as {@code models/}. */
    String prefix() {
        return prefix;
    }

    /** The folder of a batch's keys, such as {@code models/my_batch/}. */
    String batchFolder(String batch) {
        return prefix + batch + "/";
    }

    /**
     * The model a key names.
     *
     * @throws InvalidKeyException when the key is not {@code {prefix}/{batch}/{name}.{ext}} with valid names
     */
    ModelKey parse(String key) {
        if (!key.startsWith(prefix)) {
            throw new InvalidKeyException(key, "model keys start with '" + prefix + "'");
        }
        String rest = key.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
            throw new InvalidKeyException(key, "a model key is " + prefix + "{batch}/{metric}_{tag}.{ext}, one folder deep");
        }
        String batch = rest.substring(0, slash);
        String file = rest.substring(slash + 1);
        int dot = file.lastIndexOf('.');
        if (dot <= 0 || !EXTENSION.matcher(file.substring(dot + 1)).matches()) {
            throw new InvalidKeyException(key, "the file name needs an extension of 1-16 lower-case letters or digits, "
                    + "such as .pkl");
        }
        String stem = file.substring(0, dot);
        String extension = file.substring(dot + 1);
        try {
            ModelNames.require("batch", batch);
            Optional<String> tag = tagOf(key, batch, stem);
            String metric = tag.map(t -> stem.substring(0, stem.length() - t.length() - 1)).orElse(stem);
            return new ModelKey(new ModelRef(batch, metric, tag.orElse(null)), extension);
        } catch (InvalidNameException e) {
            throw new InvalidKeyException(key, e.getMessage());
        }
    }

    private Optional<String> tagOf(String key, String batch, String stem) {
        Set<String> known = new LinkedHashSet<>(tags);
        known.addAll(batchTags.apply(batch));
        List<String> matching = known.stream()
                .filter(tag -> stem.length() > tag.length() + 1 && stem.endsWith("_" + tag))
                .toList();
        if (matching.size() > 1) {
            throw new InvalidKeyException(key, "it ends in more than one known model tag " + matching);
        }
        return matching.stream().findFirst();
    }

    /** The key of a model, or empty when that key would not name the model again (its tag is not a known one). */
    Optional<String> keyOf(ModelRef model, String extension) {
        String stem = model.tag() == null ? model.metric() : model.metric() + "_" + model.tag();
        String key = batchFolder(model.batch()) + stem + "." + extension;
        try {
            return parse(key).model().equals(model) ? Optional.of(key) : Optional.empty();
        } catch (InvalidKeyException e) {
            return Optional.empty();
        }
    }

    /** A key that names no model. */
    static final class InvalidKeyException extends RuntimeException {

        InvalidKeyException(String key, String reason) {
            super("The key '" + key + "' names no model: " + reason + ".");
        }
    }
}
