package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.ConfiguredModelTags;
import org.jspecify.annotations.Nullable;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The storage policy of every metric batch: the batches configured by a file, and the service's defaults for all
 * others. Immutable; built at start-up by {@link BatchPolicyLoader}.
 */
public final class BatchPolicies implements ConfiguredModelTags {

    private final BatchPolicyDefaults defaults;
    private final SortedMap<String, BatchPolicy> configured;
    private final @Nullable Path directory;
    private final Map<String, List<String>> modelTags;

    private BatchPolicies(BatchPolicyDefaults defaults, Map<String, BatchPolicy> configured, @Nullable Path directory,
                          Map<String, List<String>> modelTags) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.modelTags = Map.copyOf(modelTags);
        this.configured = Collections.unmodifiableSortedMap(new TreeMap<>(configured));
        this.directory = directory;
        this.configured.forEach((batch, policy) -> {
            if (!batch.equals(policy.batch())) {
                throw new IllegalArgumentException("Policy of batch " + policy.batch() + " filed under " + batch + ".");
            }
        });
    }

    /** The defaults for every batch: no batch has a file. */
    public static BatchPolicies defaultsOnly(BatchPolicyDefaults defaults) {
        return new BatchPolicies(defaults, Map.of(), null, Map.of());
    }

    /** The given batches' own policies, and the defaults for every other batch. */
    public static BatchPolicies of(BatchPolicyDefaults defaults, Collection<BatchPolicy> policies, @Nullable Path directory) {
        return of(defaults, policies, directory, Map.of());
    }

    /**
     * The given batches' own policies, the defaults for every other batch, and the model tags each batch file names
     * in its {@code model_configs}.
     */
    public static BatchPolicies of(BatchPolicyDefaults defaults, Collection<BatchPolicy> policies, @Nullable Path directory,
                                   Map<String, List<String>> modelTags) {
        Map<String, BatchPolicy> byBatch = new TreeMap<>();
        for (BatchPolicy policy : policies) {
            if (byBatch.put(policy.batch(), policy) != null) {
                throw new IllegalArgumentException("Two policies for batch " + policy.batch() + ".");
            }
        }
        return new BatchPolicies(defaults, byBatch, directory, modelTags);
    }

    /** The batch's own policy when a file configures it, else the defaults (with {@code source} {@code null}). */
    public BatchPolicy policyFor(String batch) {
        Objects.requireNonNull(batch, "batch");
        BatchPolicy policy = configured.get(batch);
        return policy != null ? policy : defaults.policyFor(batch);
    }

    /** The tags of the batch's Anomstack {@code model_configs}, as its file names them; empty without a file. */
    @Override
    public List<String> modelTags(String batch) {
        return modelTags.getOrDefault(batch, List.of());
    }

    /** The batches a file configures, in name order. */
    public SortedSet<String> configuredBatches() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(configured.keySet()));
    }

    /** The policies of the configured batches, in batch name order. */
    public Collection<BatchPolicy> configuredPolicies() {
        return configured.values();
    }

    public BatchPolicyDefaults defaults() {
        return defaults;
    }

    @Override
    public String toString() {
        return "BatchPolicies" + configured.keySet() + (directory == null ? "" : " from " + directory);
    }
}
