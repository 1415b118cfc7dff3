package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.InvalidNameException;
import io.anomstack.modelstore.catalog.ModelNames;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.VersionId;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each object of a model lives, following the Anomstack AWS integration design:
 * <pre>
 * {prefix}{batch}/{metric}[/{tag}]/model_{version}.{ext}     the model bytes
 * {prefix}{batch}/{metric}[/{tag}]/metadata_{version}.json   the version's descriptor
 * {prefix}{batch}/{metric}[/{tag}]/_latest.json              the service's pointer to the latest version
 * {prefix}{batch}/{metric}[/{tag}]/_sequence.json            the last version id issued, shared by every replica
 * {prefix}{batch}/{metric}[/{tag}]/_aliases/{alias}.json     a named alias and the version it points to
 * </pre>
 * The leading underscores keep the service's own objects out of the name space of batches, metrics and tags.
 */
final class S3KeyLayout {

    static final String DEFAULT_EXTENSION = "pkl";
    static final String LATEST_FILE = "_latest.json";
    static final String SEQUENCE_FILE = "_sequence.json";
    static final String ALIASES_FOLDER = "_aliases/";

    private static final Pattern EXTENSION = Pattern.compile("[A-Za-z0-9]{1,16}");
    private static final Pattern METADATA_FILE = Pattern.compile("metadata_(.+)\\.json");
    private static final Pattern MODEL_FILE = Pattern.compile("model_(.+)\\.[A-Za-z0-9]{1,16}");

    private final String prefix;

    S3KeyLayout(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    String batchFolder(String batch) {
        return prefix + batch + "/";
    }

    String modelFolder(ModelRef model) {
        return batchFolder(model.batch()) + model.metric() + "/" + (model.tag() == null ? "" : model.tag() + "/");
    }

    String modelKey(ModelRef model, VersionId version, String extension) {
        return modelFolder(model) + "model_" + version + "." + extension;
    }

    String metadataKey(ModelRef model, VersionId version) {
        return modelFolder(model) + "metadata_" + version + ".json";
    }

    String metadataKeyPrefix(ModelRef model) {
        return modelFolder(model) + "metadata_";
    }

    String latestKey(ModelRef model) {
        return modelFolder(model) + LATEST_FILE;
    }

    String sequenceKey(ModelRef model) {
        return modelFolder(model) + SEQUENCE_FILE;
    }

    String aliasesFolder(ModelRef model) {
        return modelFolder(model) + ALIASES_FOLDER;
    }

    String aliasKey(ModelRef model, String alias) {
        return aliasesFolder(model) + alias + ".json";
    }

    /** The alias a key under {@link #aliasesFolder} names. */
    String aliasOfKey(String key) {
        String file = key.substring(key.lastIndexOf('/') + 1);
        return file.endsWith(".json") ? file.substring(0, file.length() - ".json".length()) : file;
    }

    /** The version a key of {@link #metadataKey} names, if it is one. */
    Optional<VersionId> versionOfMetadataKey(String key) {
        Matcher matcher = METADATA_FILE.matcher(key.substring(key.lastIndexOf('/') + 1));
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(VersionId.parse(matcher.group(1)));
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }

    /** The key of the metadata document that names the model object at {@code key}, if that is a model object's key. */
    Optional<String> metadataKeyOfModelKey(String key) {
        int file = key.lastIndexOf('/') + 1;
        Matcher matcher = MODEL_FILE.matcher(key.substring(file));
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(key.substring(0, file) + "metadata_" + VersionId.parse(matcher.group(1)) + ".json");
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }

    /** The model whose latest pointer a key under {@link #batchFolder} is, if it is one. */
    Optional<ModelRef> modelOfLatestKey(String batch, String key) {
        String folder = batchFolder(batch);
        if (!key.startsWith(folder)) {
            return Optional.empty();
        }
        // Relative to the batch folder, so that a pointer lying in the batch folder itself is not a model.
        String relative = key.substring(folder.length());
        if (!relative.endsWith("/" + LATEST_FILE)) {
            return Optional.empty();
        }
        String[] path = relative.substring(0, relative.length() - LATEST_FILE.length() - 1).split("/", -1);
        try {
            if (path.length == 1) {
                return Optional.of(new ModelRef(batch, path[0], null));
            }
            if (path.length == 2) {
                // requireTag: an empty folder name (metric//_latest.json) is not the untagged model.
                return Optional.of(new ModelRef(batch, path[0], ModelNames.requireTag(path[1])));
            }
        } catch (InvalidNameException e) {
            // An object the service did not write: not a model.
        }
        return Optional.empty();
    }

    /** The object extension for an uploaded file name: its last extension, lower-cased, or {@code pkl}. */
    static String extensionOf(String fileName) {
        if (fileName == null || fileName.isBlank()) {
            return DEFAULT_EXTENSION;
        }
        String name = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return DEFAULT_EXTENSION;
        }
        String extension = name.substring(dot + 1);
        if (!EXTENSION.matcher(extension).matches()) {
            throw new InvalidNameException("file extension", extension, "must be 1 to 16 letters or digits");
        }
        return extension.toLowerCase(Locale.ROOT);
    }
}
