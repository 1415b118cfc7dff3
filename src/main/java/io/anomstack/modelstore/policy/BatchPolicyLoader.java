package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.RetentionRule;
import io.anomstack.modelstore.catalog.InvalidNameException;
import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.catalog.ModelNames;
import io.anomstack.modelstore.storage.S3SettingRules;
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
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the per-batch storage policies from a directory of Anomstack metric batch files.
 *
 * <p>Every {@code *.yaml} / {@code *.yml} file below the directory (recursively; names starting with a dot, such as
 * the {@code ..data} folders of a Kubernetes ConfigMap volume, are skipped) is one batch: its {@code metric_batch},
 * its {@code model_store} and its {@code model_store_params}. All other top-level keys belong to Anomstack and are
 * ignored. Whatever a file leaves out comes from the {@link BatchPolicyDefaults}.
 *
 * <p>Every problem in every file is collected; if there is any, loading fails with one
 * {@link InvalidBatchPoliciesException} that lists them all, each as one sentence naming the file and line.
 * Unknown keys inside {@code model_store_params} and {@code retention} are not errors: they are logged as warnings,
 * once per file and key.
 */
public final class BatchPolicyLoader {

    private static final Logger log = LoggerFactory.getLogger(BatchPolicyLoader.class);

    /** The keys a batch file may set under {@code model_store_params}. */
    public static final List<String> PARAMETER_KEYS = List.of("bucket_name", "prefix", "region", "encryption",
            "kms_key_id", "bucket_key", "storage_class", "compression", "retention");
    /** The keys of {@code model_store_params.retention}. */
    public static final List<String> RETENTION_KEYS = List.of("keep_last", "max_age_days");

    private static final String METRIC_BATCH = "metric_batch";
    private static final String MODEL_STORE = "model_store";
    private static final String MODEL_STORE_PARAMS = "model_store_params";
    private static final Set<String> TOP_LEVEL_KEYS = Set.of(METRIC_BATCH, MODEL_STORE, MODEL_STORE_PARAMS);
    private static final String S3 = "s3";
    private static final int QUOTED_MAX = 100;

    private BatchPolicyLoader() {
    }

    /**
     * Reads every batch file below {@code directory}.
     *
     * @throws InvalidBatchPoliciesException listing every problem, when the directory is missing or any file is invalid
     */
    public static BatchPolicies load(Path directory, BatchPolicyDefaults defaults) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(defaults, "defaults");
        if (!Files.exists(directory)) {
            throw new InvalidBatchPoliciesException(null, List.of("The batch policy directory '" + directory
                    + "' (MODELSTORE_BATCHES_DIR) does not exist; create it, correct the path, or leave the variable unset."));
        }
        if (!Files.isDirectory(directory)) {
            throw new InvalidBatchPoliciesException(null, List.of("The batch policy path '" + directory
                    + "' (MODELSTORE_BATCHES_DIR) is not a directory; point it at the directory that holds the batch YAML files."));
        }
        List<String> problems = new ArrayList<>();
        Map<String, Declaration> declarations = new HashMap<>();
        List<BatchPolicy> policies = new ArrayList<>();
        for (Path file : batchFiles(directory, problems)) {
            BatchFile batchFile = new FileParser(file, defaults, problems).parse();
            if (batchFile == null) {
                continue;
            }
            Declaration earlier = declarations.putIfAbsent(batchFile.batch(), batchFile.declaration());
            if (earlier != null) {
                problems.add(file + " line " + batchFile.declaration().line() + ": metric_batch '" + batchFile.batch()
                        + "' is already declared in " + earlier.file() + " line " + earlier.line()
                        + "; each batch must be declared in one file only.");
            } else if (batchFile.policy() != null) {
                policies.add(batchFile.policy());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidBatchPoliciesException("The batch policy files in " + directory + " (MODELSTORE_BATCHES_DIR) have "
                    + problems.size() + (problems.size() == 1 ? " problem:" : " problems:"), problems);
        }
        BatchPolicies loaded = BatchPolicies.of(defaults, policies, directory);
        log.info("Loaded {} batch {} from {}{}", policies.size(), policies.size() == 1 ? "policy" : "policies",
                directory.toAbsolutePath().normalize(), policies.isEmpty() ? "" : ": " + String.join(", ", loaded.configuredBatches()));
        return loaded;
    }

    /** The batch files below the directory in path order, skipping hidden files and folders. */
    private static List<Path> batchFiles(Path directory, List<String> problems) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(directory, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return dir.equals(directory) || !hidden(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !hidden(file) && isYaml(file)) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    if (!hidden(file)) {
                        problems.add(file + ": " + (e instanceof FileSystemLoopException
                                ? "this folder links back to one of its parents, so it is not read; remove the link."
                                : "cannot be read (" + describe(e) + "); check its permissions."));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            problems.add(directory + ": cannot be read (" + describe(e) + "); check its permissions.");
        }
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    private static boolean hidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + oneLine(message));
    }

    private static String oneLine(String text) {
        String collapsed = text.replaceAll("\\s+", " ").trim();
        while (collapsed.endsWith(".")) {
            collapsed = collapsed.substring(0, collapsed.length() - 1);
        }
        return collapsed;
    }

    /** A value as written, fit to quote in a message: one line, control characters replaced, long values cut. */
    private static String quote(String value) {
        String printable = value.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > QUOTED_MAX ? printable.substring(0, QUOTED_MAX) + "…" : printable;
    }

    private record Declaration(Path file, int line) {
    }

    /** A file's batch and where it is named; {@code policy} is null when the file is skipped or has a problem. */
    private record BatchFile(String batch, Declaration declaration, BatchPolicy policy) {
    }

    /** A value that cannot be used: the node it is at and the sentence that says why. */
    private static final class Invalid extends Exception {
        final transient Node node;

        Invalid(Node node, String sentence) {
            super(sentence, null, false, false);
            this.node = node;
        }
    }

    /** What one file sets in {@code model_store_params}; a null field is left to the defaults. */
    private static final class Overrides {
        String bucket;
        String prefix;
        String region;
        ServerSideEncryption encryption;
        Node encryptionNode;
        boolean encryptionInvalid;
        String kmsKeyId;
        Node kmsKeyNode;
        Boolean bucketKey;
        Node bucketKeyNode;
        StorageClass storageClass;
        ModelEncoding compression;
        boolean keepLastSet;
        Integer keepLast;
        boolean maxAgeDaysSet;
        Integer maxAgeDays;
    }

    /** Reads one file, adding its problems to the shared list. */
    private static final class FileParser {

        private final Path file;
        private final BatchPolicyDefaults defaults;
        private final List<String> problems;
        private final Set<String> warned = new HashSet<>();

        FileParser(Path file, BatchPolicyDefaults defaults, List<String> problems) {
            this.file = file;
            this.defaults = defaults;
            this.problems = problems;
        }

        BatchFile parse() {
            Node root = compose();
            if (root == null) {
                return null;
            }
            if (!(root instanceof MappingNode mapping)) {
                problem(root, "the file must be a mapping of keys such as metric_batch, not " + kind(root) + ".");
                return null;
            }
            Map<String, NodeTuple> entries = topLevelEntries(mapping);
            NodeTuple batchEntry = entries.get(METRIC_BATCH);
            if (batchEntry == null) {
                problems.add(file + ": there is no metric_batch; every batch file must name its batch, as in metric_batch: \"my_batch\".");
                return null;
            }
            Node batchNode = batchEntry.getValueNode();
            String batch;
            try {
                batch = text(batchNode, METRIC_BATCH);
            } catch (Invalid e) {
                problem(e.node, e.getMessage());
                return null;
            }
            if (batch == null || batch.isEmpty()) {
                problem(batchNode, "metric_batch is empty; name the batch, as in metric_batch: \"my_batch\".");
                return null;
            }
            try {
                ModelNames.require("batch", batch);
            } catch (InvalidNameException e) {
                problem(batchNode, "metric_batch '" + quote(batch) + "' is not a valid batch name: it must match "
                        + ModelNames.PATTERN + ".");
                return null;
            }
            Declaration declaration = new Declaration(file, line(batchNode));
            int problemsBefore = problems.size();
            if (!usesS3(entries.get(MODEL_STORE), batch)) {
                return new BatchFile(batch, declaration, null);
            }
            Overrides overrides = new Overrides();
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
            BatchPolicy policy = resolve(batch, overrides);
            return new BatchFile(batch, declaration, problems.size() == problemsBefore ? policy : null);
        }

        /** The file's single YAML document, or null (with the problem reported) when there is none. */
        private Node compose() {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                Node root = new Yaml().compose(reader);
                if (root == null) {
                    problems.add(file + ": the file is empty; a batch file names its batch at least, as in metric_batch: \"my_batch\".");
                }
                return root;
            } catch (MarkedYAMLException e) {
                Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
                problems.add(file + (mark == null ? "" : " line " + (mark.getLine() + 1)) + ": this is not valid YAML ("
                        + oneLine(String.valueOf(problem)) + ").");
            } catch (ReaderException e) {
                problems.add(file + ": this is not valid YAML (it contains the character U+"
                        + String.format("%04X", e.getCodePoint()) + ", which YAML does not allow).");
            } catch (YAMLException e) {
                if (e.getCause() instanceof CharacterCodingException) {
                    problems.add(file + ": this is not UTF-8 text; save the file as UTF-8.");
                } else {
                    problems.add(file + ": this is not valid YAML (" + oneLine(String.valueOf(e.getMessage())) + ").");
                }
            } catch (IOException e) {
                problems.add(file + ": cannot be read (" + describe(e) + "); check its permissions.");
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

        /** Whether the batch's models go to S3: model_store is s3 or absent. Other stores are skipped with a log line. */
        private boolean usesS3(NodeTuple storeEntry, String batch) {
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

        private void readParameters(MappingNode params, Overrides overrides) {
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
         * The name of a key of {@code section} when it is one to read; null (after a problem or a warning) when it is
         * not a plain name, a merge key, a repeated key or an unknown one.
         */
        private String sectionKey(Node keyNode, String section, List<String> known, Map<String, Node> seen) {
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

        private void readParameter(String key, Node value, Overrides overrides) throws Invalid {
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
                    overrides.encryptionNode = value;
                }
                case "kms_key_id" -> {
                    String kmsKeyId = text(value, key);
                    if (kmsKeyId != null && kmsKeyId.isEmpty()) {
                        throw new Invalid(value, "kms_key_id is empty; give " + S3SettingRules.KMS_KEY_RULE + ", or leave it out.");
                    }
                    overrides.kmsKeyId = kmsKeyId;
                    overrides.kmsKeyNode = value;
                }
                case "bucket_key" -> {
                    overrides.bucketKey = bool(value, key);
                    overrides.bucketKeyNode = value;
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
                default -> throw new IllegalStateException("No reader for " + key);
            }
        }

        private void readRetention(Node value, Overrides overrides) throws Invalid {
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

        /** A retention limit: a whole number of at least 1, or null for no limit. */
        private Integer limit(Node value, String key, String withoutLimit) throws Invalid {
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

        /** Applies the file's settings over the defaults and checks the ones that only make sense together. */
        private BatchPolicy resolve(String batch, Overrides o) {
            ServerSideEncryption encryption = o.encryption != null ? o.encryption : defaults.encryption();
            String kmsKeyId = null;
            if (!o.encryptionInvalid) {
                if (S3SettingRules.usesKms(encryption)) {
                    kmsKeyId = o.kmsKeyId != null ? o.kmsKeyId : defaults.kmsKeyId();
                    if (kmsKeyId == null) {
                        problem(o.encryptionNode, "encryption '" + encryption + "' needs kms_key_id: " + S3SettingRules.KMS_KEY_RULE + ".");
                    }
                } else if (o.kmsKeyId != null) {
                    problem(o.kmsKeyNode, "kms_key_id is set but the batch's encryption is "
                            + (encryption == null ? "the bucket's default" : encryption.toString())
                            + ", not aws:kms or aws:kms:dsse; set encryption: aws:kms to use the key, or remove kms_key_id.");
                }
                if (Boolean.TRUE.equals(o.bucketKey) && encryption != ServerSideEncryption.AWS_KMS) {
                    problem(o.bucketKeyNode, "bucket_key applies to SSE-KMS only, and the batch's encryption is "
                            + (encryption == null ? "the bucket's default" : encryption.toString())
                            + "; set encryption: aws:kms, or remove bucket_key.");
                }
            }
            RetentionRule base = defaults.retention();
            RetentionRule retention = new RetentionRule(
                    o.keepLastSet ? o.keepLast : base.keepLast(),
                    o.maxAgeDaysSet ? o.maxAgeDays : base.maxAgeDays());
            try {
                return new BatchPolicy(batch,
                        o.bucket != null ? o.bucket : defaults.bucket(),
                        o.prefix != null ? o.prefix : defaults.prefix(),
                        o.region != null ? o.region : defaults.region(),
                        encryption,
                        kmsKeyId,
                        o.bucketKey != null ? o.bucketKey : defaults.bucketKey(),
                        o.storageClass != null ? o.storageClass : defaults.storageClass(),
                        o.compression != null ? o.compression : defaults.compression(),
                        retention,
                        file);
            } catch (IllegalArgumentException e) {
                // Only when a problem has been reported above: the policy is dropped anyway.
                return null;
            }
        }

        /** A scalar's text, trimmed; null when the YAML value is null (the key is as good as left out). */
        private static String text(Node value, String key) throws Invalid {
            if (isNull(value)) {
                return null;
            }
            if (!(value instanceof ScalarNode scalar)) {
                throw new Invalid(value, key + " must be a single value, not " + kind(value) + ".");
            }
            return scalar.getValue().trim();
        }

        private static Boolean bool(Node value, String key) throws Invalid {
            String text = text(value, key);
            if (text == null) {
                return null;
            }
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> Boolean.TRUE;
                case "false", "no", "off" -> Boolean.FALSE;
                default -> throw new Invalid(value, key + " '" + quote(text) + "' is not true or false.");
            };
        }

        private static boolean isNull(Node node) {
            return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
        }

        private static String kind(Node node) {
            if (node instanceof MappingNode) {
                return "a mapping";
            }
            if (node instanceof SequenceNode) {
                return "a list";
            }
            return "a single value";
        }

        private static int line(Node node) {
            return node.getStartMark().getLine() + 1;
        }

        private void problem(Node node, String sentence) {
            problems.add(file + (node == null ? "" : " line " + line(node)) + ": " + sentence);
        }
    }
}
