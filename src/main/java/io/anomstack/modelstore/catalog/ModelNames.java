package io.anomstack.modelstore.catalog;

import java.util.regex.Pattern;

/**
 * The one rule for every name that becomes part of an S3 key: batch, metric and tag.
 * Names are checked before any S3 call so that no request can write outside its model's folder.
 */
public final class ModelNames {

    /** Letters, digits, dot, underscore and dash; starts with a letter or digit; at most 128 characters. */
    public static final String PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";

    private static final Pattern VALID = Pattern.compile(PATTERN);

    private ModelNames() {
    }

    /**
     * Returns {@code value} when it is a valid name of the given kind.
     *
     * @throws InvalidNameException naming the kind, the value and the rule
     */
    public static String require(String kind, String value) {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new InvalidNameException(kind, value, "must match " + PATTERN);
        }
        return value;
    }

    /**
     * A tag is a folder beside the untagged model's own files, so it must not look like one of them
     * ({@code model_…}, {@code metadata_…}): on file-backed stores a folder and a file cannot share a name.
     */
    public static String requireTag(String value) {
        require("tag", value);
        if (value.startsWith("model_") || value.startsWith("metadata_")) {
            throw new InvalidNameException("tag", value, "must not start with 'model_' or 'metadata_'");
        }
        return value;
    }
}
