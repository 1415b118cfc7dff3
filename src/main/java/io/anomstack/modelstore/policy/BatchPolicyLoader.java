package io.anomstack.modelstore.policy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Loads the per-batch storage policies from a directory of Anomstack metric batch files: finds the files
 * ({@link BatchPolicyFiles}), reads each one ({@link BatchPolicyParser}) and lays them over the defaults
 * ({@link BatchPolicyMerger}). Any problem anywhere fails loading with one {@link InvalidBatchPoliciesException}
 * that lists them all.
 */
public final class BatchPolicyLoader {

    private static final Logger log = LoggerFactory.getLogger(BatchPolicyLoader.class);

    private BatchPolicyLoader() {
    }

    private static List<String> union(List<String> a, List<String> b) {
        return List.copyOf(new LinkedHashSet<>(Stream.concat(a.stream(), b.stream()).toList()));
    }

    /**
     * Reads every batch file below {@code directory}.
     *
     * @throws InvalidBatchPoliciesException listing every problem, when the directory is missing or any file is invalid
     */
    public static BatchPolicies load(Path directory, BatchPolicyDefaults defaults) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(defaults, "defaults");
        BatchPolicyFiles files = BatchPolicyFiles.find(directory);
        List<BatchFile> read = files.paths().stream().map(BatchPolicyParser::parse).toList();
        BatchPolicyMerger.Merged merged = BatchPolicyMerger.merge(defaults, read);
        List<String> problems = new ArrayList<>(files.problems());
        problems.addAll(merged.problems());
        if (!problems.isEmpty()) {
            throw new InvalidBatchPoliciesException("The batch policy files in " + directory + " (MODELSTORE_BATCHES_DIR) have "
                    + problems.size() + (problems.size() == 1 ? " problem:" : " problems:"), problems);
        }
        List<BatchPolicy> policies = merged.policies();
        Map<String, List<String>> modelTags = new HashMap<>();
        read.stream().filter(file -> file.batch() != null && !file.modelTags().isEmpty())
                .forEach(file -> modelTags.merge(file.batch(), file.modelTags(), BatchPolicyLoader::union));
        BatchPolicies loaded = BatchPolicies.of(defaults, policies, directory, modelTags);
        log.info("Loaded {} batch {} from {}{}", policies.size(), policies.size() == 1 ? "policy" : "policies",
                directory.toAbsolutePath().normalize(), policies.isEmpty() ? "" : ": " + String.join(", ", loaded.configuredBatches()));
        return loaded;
    }
}
