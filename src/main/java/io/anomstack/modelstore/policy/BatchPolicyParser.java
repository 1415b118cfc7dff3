package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.InvalidNameException;
import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.catalog.ModelNames;
import io.anomstack.modelstore.pickle.AllowList;
import io.anomstack.modelstore.pickle.PicklePolicy;
import io.anomstack.modelstore.policy.YamlNodes.Invalid;
import io.anomstack.modelstore.storage.S3SettingRules;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.ReaderException;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.anomstack.modelstore.policy.ProblemText.quote;
import static io.anomstack.modelstore.policy.YamlNodes.bool;
import static io.anomstack.modelstore.policy.YamlNodes.isNull;
import static io.anomstack.modelstore.policy.YamlNodes.kind;
import static io.anomstack.modelstore.policy.YamlNodes.line;
import static io.anomstack.modelstore.policy.YamlNodes.text;

/**
 * Reads one batch file: its {@code metric_batch}, {@code model_store} and {@code model_store_params}; every other
 * top-level key is Anomstack's and ignored. Each problem is one sentence naming the file and, where there is one, the
 * line. Unknown keys in {@code model_store_params} and {@code retention} are logged as warnings, once per file and key.
 */
final class BatchPolicyParser {

    private static final Logger log = LoggerFactory.getLogger(BatchPolicyParser.class);

    /** The keys a batch file may set under {@code model_store_params}. */
    private static final List<String> PARAMETER_KEYS = List.of("bucket_name", "prefix", "region", "encryption",
            "kms_key_id", "bucket_key", "storage_class", "compression", "retention", "pickle");
    /** The keys of {@code model_store_params.pickle}. */
    private static final List<String> PICKLE_KEYS = List.of("policy", "allow");
    /** The keys of {@code model_store_params.retention}. */
    private static final List<String> RETENTION_KEYS = List.of("keep_last", "max_age_days");

    private static final String METRIC_BATCH = "metric_batch";
    private static final String MODEL_STORE = "model_store";
    private static final String MODEL_STORE_PARAMS = "model_store_params";
    private static final String MODEL_CONFIGS = "model_configs";
    private static final Set<String> TOP_LEVEL_KEYS = Set.of(METRIC_BATCH, MODEL_STORE, MODEL_STORE_PARAMS, MODEL_CONFIGS);
    private static final String S3 = "s3";

    private final Path file;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> warned = new HashSet<>();

    private BatchPolicyParser(Path file) {
        this.file = file;
    }

    /** Reads the file; what is wrong in it is in the result's problems, never thrown. */
    static BatchFile parse(Path file) {
        return new BatchPolicyParser(file).read();
    }

    private BatchFile read() {
        Node root = compose();
        if (root == null) {
            return withoutBatch();
        }
        if (!(root instanceof MappingNode mapping)) {
            problem(root, "the file must be a mapping of keys such as metric_batch, not " + kind(root) + ".");
            return withoutBatch();
        }
        Map<String, NodeTuple> entries = topLevelEntries(mapping);
        NodeTuple batchEntry = entries.get(METRIC_BATCH);
        if (batchEntry == null) {
            problems.add(ProblemText.at(file, null,
                    "there is no metric_batch; every batch file must name its batch, as in metric_batch: \"my_batch\"."));
            return withoutBatch();
        }
        Node batchNode = batchEntry.getValueNode();
        String batch;
        try {
            batch = text(batchNode, METRIC_BATCH);
        } catch (Invalid e) {
            problem(e.node, e.getMessage());
            return withoutBatch();
        }
        if (batch == null || batch.isEmpty()) {
            problem(batchNode, "metric_batch is empty; name the batch, as in metric_batch: \"my_batch\".");
            return withoutBatch();
        }
        try {
            ModelNames.require("batch", batch);
        } catch (InvalidNameException e) {
            problem(batchNode, "metric_batch '" + quote(batch) + "' is not a valid batch name: it must match "
                    + ModelNames.PATTERN + ".");
            return withoutBatch();
        }
        List<String> modelTags = modelTags(entries.get(MODEL_CONFIGS));
        if (!usesS3(entries.get(MODEL_STORE), batch)) {
            return new BatchFile(file, batch, line(batchNode), null, modelTags, problems);
        }
        BatchFile.Overrides overrides = new BatchFile.Overrides();
        NodeTuple paramsEntry = entries.get(MODEL_STORE_PARAMS);
        if (paramsEntry != null) {
            Node params = paramsEntry.getValueNode();
            if (params instanceof MappingNode paramsMapping) {
                readParameters(paramsMapping, overrides);
            } else if (!isNull(params)) {
                problem(params, "model_store_params must be a mapping of keys such as bucket_name and prefix, not "
                        + kind(params) + ".");
            }
        }
        return new BatchFile(file, batch, line(batchNode), overrides, modelTags, problems);
    }

    private BatchFile withoutBatch() {
        return new BatchFile(file, null, 0, null, problems);
    }

    /** The file's single YAML document; {@code null} (with the problem reported) when there is none. */
    private @Nullable Node compose() {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Node root = new Yaml().compose(reader);
            if (root == null) {
                problems.add(ProblemText.at(file, null,
                        "the file is empty; a batch file names its batch at least, as in metric_batch: \"my_batch\"."));
            }
            return root;
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            problems.add(ProblemText.at(file, mark == null ? null : mark.getLine() + 1,
                    "this is not valid YAML (" + ProblemText.oneLine(String.valueOf(problem)) + ")."));
        } catch (ReaderException e) {
            problems.add(ProblemText.at(file, null, "this is not valid YAML (it contains the character U+"
                    + String.format("%04X", e.getCodePoint()) + ", which YAML does not allow)."));
        } catch (YAMLException e) {
            problems.add(ProblemText.at(file, null, e.getCause() instanceof CharacterCodingException
                    ? "this is not UTF-8 text; save the file as UTF-8."
                    : "this is not valid YAML (" + ProblemText.oneLine(String.valueOf(e.getMessage())) + ")."));
        } catch (IOException e) {
            problems.add(ProblemText.at(file, null, "cannot be read (" + ProblemText.describe(e) + "); check its permissions."));
        }
        return null;
    }

    /** The top-level keys the service reads; a second occurrence of one of them is a problem. */
    private Map<String, NodeTuple> topLevelEntries(MappingNode mapping) {
        Map<String, NodeTuple> entries = new HashMap<>();
        for (NodeTuple entry : mapping.getValue()) {
            if (entry.getKeyNode() instanceof ScalarNode key && TOP_LEVEL_KEYS.contains(key.getValue())) {
                NodeTuple first = entries.putIfAbsent(key.getValue(), entry);
                if (first != null) {
                    problem(key, key.getValue() + " appears a second time (first at line " + line(first.getKeyNode())
                            + "); keep only one.");
                }
            }
        }
        return entries;
    }

    /**
     * The {@code model_tag} of each of Anomstack's {@code model_configs} entries. They only name models (the S3 API
     * tells a key's tag by them), so what is not a valid tag is left out with a warning rather than failing start-up.
     */
    private List<String> modelTags(@Nullable NodeTuple configsEntry) {
        if (configsEntry == null || !(configsEntry.getValueNode() instanceof SequenceNode configs)) {
            return List.of();
        }
        List<String> tags = new ArrayList<>();
        for (Node config : configs.getValue()) {
            if (!(config instanceof MappingNode entry)) {
                continue;
            }
            for (NodeTuple field : entry.getValue()) {
                if (field.getKeyNode() instanceof ScalarNode key && key.getValue().equals("model_tag")
                        && field.getValueNode() instanceof ScalarNode value) {
                    try {
                        tags.add(ModelNames.requireTag(value.getValue()));
                    } catch (InvalidNameException e) {
                        log.warn("{} line {}: model_tag '{}' is not a valid tag, so the S3 API does not know it: {}", file,
                                line(value), quote(value.getValue()), e.getMessage());
                    }
                }
            }
        }
        return List.copyOf(tags);
    }

    /** Whether the batch's models go to S3: model_store is s3 or absent. Other stores are skipped with a log line. */
    private boolean usesS3(@Nullable NodeTuple storeEntry, String batch) {
        if (storeEntry == null) {
            return true;
        }
        String store;
        try {
            store = text(storeEntry.getValueNode(), MODEL_STORE);
        } catch (Invalid e) {
            problem(e.node, e.getMessage());
            return false;
        }
        if (store == null || store.isEmpty() || store.equalsIgnoreCase(S3)) {
            return true;
        }
        log.info("{} line {}: batch {} has model_store '{}', not s3, so its file is skipped and the service's defaults apply.",
                file, line(storeEntry.getValueNode()), batch, quote(store));
        return false;
    }

    private void readParameters(MappingNode params, BatchFile.Overrides overrides) {
        Map<String, Node> seen = new HashMap<>();
        for (NodeTuple entry : params.getValue()) {
            String key = sectionKey(entry.getKeyNode(), MODEL_STORE_PARAMS, PARAMETER_KEYS, seen);
            if (key == null) {
                continue;
            }
            try {
                readParameter(key, entry.getValueNode(), overrides);
            } catch (Invalid e) {
                problem(e.node, e.getMessage());
            }
        }
    }

    /**
     * The name of a key of {@code section} when it is one to read; {@code null} (after a problem or a warning) when it
     * is not a plain name, a merge key, a repeated key or an unknown one.
     */
    private @Nullable String sectionKey(Node keyNode, String section, List<String> known, Map<String, Node> seen) {
        if (Tag.MERGE.equals(keyNode.getTag())) {
            problem(keyNode, "merge keys (<<) are not supported in " + section + "; write the keys out.");
            return null;
        }
        if (!(keyNode instanceof ScalarNode scalar)) {
            problem(keyNode, section + " has a key that is " + kind(keyNode) + "; its keys are names such as " + known.get(0) + ".");
            return null;
        }
        String key = scalar.getValue();
        if (!known.contains(key)) {
            if (warned.add(section + "\u0000" + key)) {
                log.warn("{} line {}: unknown key '{}' in {} is ignored; the keys read there are {}.", file, line(keyNode),
                        quote(key), section, String.join(", ", known));
            }
            return null;
        }
        Node first = seen.putIfAbsent(key, keyNode);
        if (first != null) {
            problem(keyNode, key + " appears a second time in " + section + " (first at line " + line(first) + "); keep only one.");
            return null;
        }
        return key;
    }

    private void readParameter(String key, Node value, BatchFile.Overrides overrides) throws Invalid {
        switch (key) {
            case "bucket_name" -> {
                String bucket = text(value, key);
                if (bucket != null && !S3SettingRules.isBucketName(bucket)) {
                    throw new Invalid(value, "bucket_name '" + quote(bucket) + "' is not a valid bucket name ("
                            + S3SettingRules.BUCKET_RULE + ").");
                }
                overrides.bucket = bucket;
            }
            case "prefix" -> {
                String prefix = text(value, key);
                if (prefix != null && !S3SettingRules.isPrefix(prefix)) {
                    throw new Invalid(value, "prefix '" + quote(prefix) + "' must be " + S3SettingRules.PREFIX_RULE + ".");
                }
                overrides.prefix = prefix;
            }
            case "region" -> {
                String region = text(value, key);
                if (region != null && !S3SettingRules.isRegion(region)) {
                    throw new Invalid(value, "region '" + quote(region) + "' is not " + S3SettingRules.REGION_RULE + ".");
                }
                overrides.region = region;
            }
            case "encryption" -> {
                String name = text(value, key);
                if (name == null) {
                    return;
                }
                ServerSideEncryption encryption = S3SettingRules.encryption(name);
                if (encryption == null) {
                    overrides.encryptionInvalid = true;
                    throw new Invalid(value, "encryption '" + quote(name) + "' is not supported; use "
                            + S3SettingRules.ENCRYPTION_CHOICES + ", or leave it out for the service's default (S3_SSE).");
                }
                overrides.encryption = encryption;
                overrides.encryptionLine = line(value);
            }
            case "kms_key_id" -> {
                String kmsKeyId = text(value, key);
                if (kmsKeyId != null && kmsKeyId.isEmpty()) {
                    throw new Invalid(value, "kms_key_id is empty; give " + S3SettingRules.KMS_KEY_RULE + ", or leave it out.");
                }
                overrides.kmsKeyId = kmsKeyId;
                overrides.kmsKeyLine = line(value);
            }
            case "bucket_key" -> {
                overrides.bucketKey = bool(value, key);
                overrides.bucketKeyLine = line(value);
            }
            case "storage_class" -> {
                String name = text(value, key);
                if (name == null) {
                    return;
                }
                StorageClass storageClass = S3SettingRules.storageClass(name);
                if (storageClass == null) {
                    throw new Invalid(value, "storage_class '" + quote(name) + "' is not a storage class; use one of "
                            + S3SettingRules.storageClassNames() + ".");
                }
                overrides.storageClass = storageClass;
            }
            case "compression" -> {
                String name = text(value, key);
                if (name == null) {
                    return;
                }
                try {
                    overrides.compression = ModelEncoding.fromToken(name);
                } catch (IllegalArgumentException e) {
                    throw new Invalid(value, "compression '" + quote(name) + "' is not supported; use zstd, gzip or none.");
                }
            }
            case "retention" -> readRetention(value, overrides);
            case "pickle" -> readPickle(value, overrides);
            default -> throw new IllegalStateException("No reader for " + key);
        }
    }

    private void readRetention(Node value, BatchFile.Overrides overrides) throws Invalid {
        if (isNull(value)) {
            return;
        }
        if (!(value instanceof MappingNode retention)) {
            throw new Invalid(value, "retention must be a mapping such as { keep_last: 10, max_age_days: 180 }, not "
                    + kind(value) + ".");
        }
        Map<String, Node> seen = new HashMap<>();
        for (NodeTuple entry : retention.getValue()) {
            String key = sectionKey(entry.getKeyNode(), "retention", RETENTION_KEYS, seen);
            if (key == null) {
                continue;
            }
            try {
                if (key.equals("keep_last")) {
                    overrides.keepLast = limit(entry.getValueNode(), key, "keep any number of versions");
                    overrides.keepLastSet = true;
                } else {
                    overrides.maxAgeDays = limit(entry.getValueNode(), key, "keep versions of any age");
                    overrides.maxAgeDaysSet = true;
                }
            } catch (Invalid e) {
                problem(e.node, e.getMessage());
            }
        }
    }

    private void readPickle(Node value, BatchFile.Overrides overrides) throws Invalid {
        if (isNull(value)) {
            return;
        }
        if (!(value instanceof MappingNode pickle)) {
            throw new Invalid(value, "pickle must be a mapping such as { policy: enforce, allow: [\"mycompany.models.*\"] }, "
                    + "not " + kind(value) + ".");
        }
        Map<String, Node> seen = new HashMap<>();
        PicklePolicy.Mode mode = null;
        List<String> allow = List.of();
        for (NodeTuple entry : pickle.getValue()) {
            String key = sectionKey(entry.getKeyNode(), "pickle", PICKLE_KEYS, seen);
            if (key == null) {
                continue;
            }
            Node node = entry.getValueNode();
            try {
                if (key.equals("policy")) {
                    String text = text(node, "pickle.policy");
                    mode = text == null ? null : pickleMode(node, text);
                } else {
                    allow = allowEntries(node);
                }
            } catch (Invalid e) {
                problem(e.node, e.getMessage());
            }
        }
        overrides.pickle = new PickleSettings(mode, allow);
    }

    private static PicklePolicy.Mode pickleMode(Node node, String text) throws Invalid {
        try {
            return PicklePolicy.Mode.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Invalid(node, "pickle.policy '" + quote(text) + "' is not a pickle policy; use enforce, report or off.");
        }
    }

    /** {@code pickle.allow}: a list of globals (or one), each checked against the deny-list. */
    private static List<String> allowEntries(Node node) throws Invalid {
        if (isNull(node)) {
            return List.of();
        }
        List<Node> items = node instanceof SequenceNode sequence ? sequence.getValue() : List.of(node);
        List<String> entries = new ArrayList<>();
        for (Node item : items) {
            String entry = text(item, "pickle.allow");
            if (entry == null || entry.isBlank()) {
                continue;
            }
            try {
                AllowList.defaults().with(List.of(entry));
            } catch (IllegalArgumentException e) {
                throw new Invalid(item, "pickle.allow: " + ProblemText.oneLine(e.getMessage()) + ".");
            }
            entries.add(entry.trim());
        }
        return entries;
    }

    /** A retention limit: a whole number of at least 1, or {@code null} for no limit. */
    private static @Nullable Integer limit(Node value, String key, String withoutLimit) throws Invalid {
        String text = text(value, key);
        if (text == null) {
            return null;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Invalid(value, key + " '" + quote(text) + "' is not a whole number of at least 1; use null to "
                + withoutLimit + ".");
    }

    private void problem(Node node, String sentence) {
        problems.add(ProblemText.at(file, line(node), sentence));
    }
}
