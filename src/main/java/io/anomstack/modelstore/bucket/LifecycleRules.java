package io.anomstack.modelstore.bucket;

import io.anomstack.modelstore.storage.SupersededTag;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleExpiration;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Transition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service's lifecycle rules and how they merge with the rules others put on the same bucket. Pure: no S3 calls.
 * <ul>
 *   <li>Superseded model versions (neither latest nor aliased) carry the tag {@link SupersededTag#TAG_KEY}; only they
 *   move to colder storage classes. The transition rule is scoped by prefix <em>and</em> that tag, so a latest or
 *   aliased version, whatever its age, never lands in an archive tier it would have to be restored from.</li>
 *   <li>Noncurrent object versions (deleted or pruned models on a versioned bucket) expire after N days, and delete
 *   markers left without versions go; incomplete multipart uploads are aborted after N days. Both are scoped by prefix
 *   only: they concern every object the service writes.</li>
 * </ul>
 * The service's rules are the ones whose id starts with {@link #ID_PREFIX}; a merge replaces exactly those.
 */
public final class LifecycleRules {

    static final String ID_PREFIX = "anomstack-model-store-";
    static final String TRANSITIONS_ID = ID_PREFIX + "superseded-transitions";
    static final String NONCURRENT_ID = ID_PREFIX + "noncurrent-expiration";
    static final String ABORT_ID = ID_PREFIX + "abort-incomplete-uploads";

    private LifecycleRules() {
    }

    static boolean isOurs(LifecycleRule rule) {
        return rule.id() != null && rule.id().startsWith(ID_PREFIX);
    }

    static boolean isTransitionRule(LifecycleRule rule) {
        return rule.id() != null && rule.id().startsWith(TRANSITIONS_ID);
    }

    /**
     * The rule moving each prefix's superseded model versions through {@code steps}, or none when there are no steps.
     * {@code status} is {@code Disabled} while probing whether the server keeps the tag filter (see {@link LifecycleSetting}).
     */
    static List<LifecycleRule> transitionRules(List<String> prefixes, List<LifecycleTransition> steps, ExpirationStatus status) {
        if (steps.isEmpty()) {
            return List.of();
        }
        List<Transition> transitions = steps.stream()
                .map(step -> Transition.builder().days(step.days()).storageClass(step.storageClass()).build())
                .toList();
        Tag superseded = Tag.builder().key(SupersededTag.TAG_KEY).value(SupersededTag.TAG_VALUE).build();
        return prefixes.stream().map(prefix -> LifecycleRule.builder()
                .id(id(TRANSITIONS_ID, prefix))
                .status(status)
                // A filter's And needs two predicates at least: without a prefix the tag stands alone.
                .filter(prefix.isEmpty() ? LifecycleRuleFilter.builder().tag(superseded).build()
                        : LifecycleRuleFilter.builder().and(a -> a.prefix(prefix).tags(superseded)).build())
                .transitions(transitions)
                .build()).toList();
    }

    /** Each prefix's noncurrent-version expiration and incomplete-upload abort rules. */
    static List<LifecycleRule> cleanupRules(List<String> prefixes, int noncurrentExpirationDays, int abortIncompleteUploadDays) {
        List<LifecycleRule> rules = new ArrayList<>();
        for (String prefix : prefixes) {
            rules.add(LifecycleRule.builder()
                    .id(id(NONCURRENT_ID, prefix))
                    .status(ExpirationStatus.ENABLED)
                    .filter(f -> f.prefix(prefix))
                    .noncurrentVersionExpiration(n -> n.noncurrentDays(noncurrentExpirationDays))
                    .expiration(LifecycleExpiration.builder().expiredObjectDeleteMarker(true).build())
                    .build());
            rules.add(LifecycleRule.builder()
                    .id(id(ABORT_ID, prefix))
                    .status(ExpirationStatus.ENABLED)
                    .filter(f -> f.prefix(prefix))
                    .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(abortIncompleteUploadDays))
                    .build());
        }
        return rules;
    }

    /** The rules of {@code existing} that are not the service's, then {@code ours}: what the bucket should hold. */
    static List<LifecycleRule> merge(List<LifecycleRule> existing, List<LifecycleRule> ours) {
        List<LifecycleRule> merged = new ArrayList<>(foreign(existing));
        merged.addAll(ours);
        return merged;
    }

    static List<LifecycleRule> foreign(List<LifecycleRule> rules) {
        return rules.stream().filter(rule -> !isOurs(rule)).toList();
    }

    /**
     * Whether two lists hold the same rules in any order, compared as {@link #view}s: S3 need not answer a rule in the
     * exact form it was sent (a deprecated top-level prefix, an empty filter element).
     */
    static boolean sameRules(List<LifecycleRule> actual, List<LifecycleRule> desired) {
        return actual.size() == desired.size()
                && new HashSet<>(actual.stream().map(LifecycleRules::view).toList())
                .equals(new HashSet<>(desired.stream().map(LifecycleRules::view).toList()));
    }

    static LifecycleRuleView view(LifecycleRule rule) {
        LifecycleRuleFilter filter = rule.filter();
        String prefix = rule.prefix();
        Map<String, String> tags = new LinkedHashMap<>();
        if (filter != null) {
            if (filter.and() != null) {
                prefix = filter.and().prefix();
                filter.and().tags().forEach(tag -> tags.put(tag.key(), tag.value()));
            } else {
                prefix = filter.prefix() != null ? filter.prefix() : prefix;
                if (filter.tag() != null) {
                    tags.put(filter.tag().key(), filter.tag().value());
                }
            }
        }
        LifecycleExpiration expiration = rule.expiration();
        return new LifecycleRuleView(rule.id(), isOurs(rule), rule.statusAsString(),
                prefix == null || prefix.isEmpty() ? null : prefix, tags,
                rule.transitions().stream()
                        .filter(transition -> transition.days() != null)
                        .map(transition -> new LifecycleTransition(transition.storageClassAsString(), transition.days()))
                        .toList(),
                expiration == null ? null : expiration.days(),
                expiration == null ? null : expiration.expiredObjectDeleteMarker(),
                rule.noncurrentVersionExpiration() == null ? null : rule.noncurrentVersionExpiration().noncurrentDays(),
                rule.abortIncompleteMultipartUpload() == null ? null : rule.abortIncompleteMultipartUpload().daysAfterInitiation());
    }

    /** Ids stay stable for one prefix and tell the rules of several prefixes in one bucket apart. */
    private static String id(String base, String prefix) {
        return prefix.isEmpty() ? base : base + ":" + prefix;
    }
}
