package io.anomstack.modelstore.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * What a retention run did, or would do, to one model.
 *
 * @param dryRun           whether anything was deleted
 * @param rule             the rule applied
 * @param pruned           versions deleted (or that would be), newest first
 * @param kept             versions kept by the rule, newest first
 * @param protectedVersions versions kept because they are latest or aliased although the rule would drop them
 * @param note             what else the operator should know, such as versioned buckets keeping noncurrent copies
 */
public record PruneResult(@JsonProperty("dry_run") boolean dryRun, RetentionRule rule, List<String> pruned,
                          List<String> kept, @JsonProperty("protected") List<String> protectedVersions, String note) {
}
