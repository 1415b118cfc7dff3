package io.anomstack.modelstore.bucket;

import io.anomstack.modelstore.s3.S3Refusal;
import io.anomstack.modelstore.storage.SupersededTag;
import io.anomstack.modelstore.bucket.StepResult.Outcome;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.GetBucketLifecycleConfigurationResponse;
import software.amazon.awssdk.services.s3.model.LifecycleRule;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The bucket's lifecycle configuration: the service's rules ({@link LifecycleRules}) merged into whatever rules others
 * keep there. Unlike the other parts it is not simply overwritten: the current rules are read first (so a denied read
 * also stops the write, which would otherwise delete other people's rules) and every rule that is not the service's
 * goes back unchanged.
 * <p>
 * A server that silently drops the tag filter would turn the transition rule into one that archives every model,
 * latest and aliased ones too. So a new transition rule first goes in {@code Disabled} (inert), is read back, and is
 * enabled only if its filter survived; otherwise it is removed again and the server remembered as one that drops tag
 * filters (S3Mock 5.2.3 does: it expects {@code <Tags>} where S3 sends {@code <Tag>}).
 */
final class LifecycleSetting {

    static final String READ_PERMISSION = "s3:GetLifecycleConfiguration";
    static final String WRITE_PERMISSION = "s3:PutLifecycleConfiguration";

    private static final String DROPS_TAG_FILTERS = "The S3 server stored the transition rule without its tag filter, which "
            + "would move latest and aliased versions too, so no transition rule is set: superseded versions stay where they are.";

    private final BucketProperties properties;
    /** Buckets whose server dropped the tag filter, for this process's life: trying again would only write the same. */
    private final Set<String> dropTagFilters = ConcurrentHashMap.newKeySet();

    LifecycleSetting(BucketProperties properties) {
        this.properties = properties;
    }

    /** The rules as S3 reports them, and the bucket's transition minimum object size, which a PUT must repeat. */
    private record Current(List<LifecycleRule> rules, String minimumObjectSize) {

        List<LifecycleRule> ours(boolean transitions) {
            return rules.stream().filter(LifecycleRules::isOurs)
                    .filter(rule -> LifecycleRules.isTransitionRule(rule) == transitions).toList();
        }
    }

    /** The service's rules for {@code bucket}, as the report shows them. */
    List<LifecycleRuleView> desired(ManagedBucket bucket) {
        return desiredRules(bucket).stream().map(LifecycleRules::view).toList();
    }

    SettingReport<List<LifecycleRuleView>> inspect(ManagedBucket bucket) {
        List<LifecycleRule> desired = desiredRules(bucket);
        List<LifecycleRuleView> desiredViews = desired.stream().map(LifecycleRules::view).toList();
        try {
            Current current = read(bucket);
            List<LifecycleRule> ours = current.rules().stream().filter(LifecycleRules::isOurs).toList();
            return SettingReport.read(current.rules().stream().map(LifecycleRules::view).toList(), desiredViews,
                    LifecycleRules.sameRules(ours, desired), dropTagFilters.contains(bucket.bucket()) ? DROPS_TAG_FILTERS : null);
        } catch (SdkException e) {
            return BucketOutcomes.notRead(S3Refusal.of(e), desiredViews, READ_PERMISSION);
        }
    }

    /** Results for {@link BucketStep#LIFECYCLE} and {@link BucketStep#LIFECYCLE_TRANSITIONS}. */
    List<StepResult> reconcile(ManagedBucket bucket) {
        Current current;
        try {
            current = read(bucket);
        } catch (SdkException e) {
            S3Refusal refusal = S3Refusal.of(e);
            return List.of(BucketOutcomes.failed(BucketStep.LIFECYCLE, refusal, READ_PERMISSION),
                    BucketOutcomes.failed(BucketStep.LIFECYCLE_TRANSITIONS, refusal, READ_PERMISSION));
        }
        boolean dropsTags = dropTagFilters.contains(bucket.bucket());
        List<LifecycleRule> cleanup = cleanupRules(bucket);
        List<LifecycleRule> transitions = dropsTags ? List.of() : transitionRules(bucket, ExpirationStatus.ENABLED);
        boolean cleanupChanges = !LifecycleRules.sameRules(current.ours(false), cleanup);
        boolean transitionChanges = !LifecycleRules.sameRules(current.ours(true), transitions);
        if (!cleanupChanges && !transitionChanges) {
            return List.of(cleanupResult(bucket, false), transitionResult(bucket, false, dropsTags));
        }
        String permission = WRITE_PERMISSION;
        try {
            if (transitionChanges && !transitions.isEmpty()) {
                List<LifecycleRule> inert = transitionRules(bucket, ExpirationStatus.DISABLED);
                write(bucket, current, concat(cleanup, inert));
                permission = READ_PERMISSION;
                List<LifecycleRule> stored = read(bucket).ours(true);
                permission = WRITE_PERMISSION;
                if (!LifecycleRules.sameRules(stored, inert)) {
                    dropTagFilters.add(bucket.bucket());
                    write(bucket, current, cleanup);
                    return List.of(cleanupResult(bucket, cleanupChanges),
                            StepResult.of(BucketStep.LIFECYCLE_TRANSITIONS, Outcome.UNSUPPORTED, DROPS_TAG_FILTERS));
                }
            }
            write(bucket, current, concat(cleanup, transitions));
            return List.of(cleanupResult(bucket, cleanupChanges), transitionResult(bucket, transitionChanges, dropsTags));
        } catch (SdkException e) {
            S3Refusal refusal = S3Refusal.of(e);
            return List.of(
                    cleanupChanges ? BucketOutcomes.failed(BucketStep.LIFECYCLE, refusal, permission) : cleanupResult(bucket, false),
                    transitionChanges ? BucketOutcomes.failed(BucketStep.LIFECYCLE_TRANSITIONS, refusal, permission)
                            : transitionResult(bucket, false, dropsTags));
        }
    }

    private Current read(ManagedBucket bucket) {
        try {
            GetBucketLifecycleConfigurationResponse response = bucket.client()
                    .getBucketLifecycleConfiguration(b -> b.bucket(bucket.bucket()));
            return new Current(response.rules(), response.transitionDefaultMinimumObjectSizeAsString());
        } catch (SdkException e) {
            if (S3Refusal.of(e).kind() == S3Refusal.Kind.NOT_CONFIGURED) {
                return new Current(List.of(), null);
            }
            throw e;
        }
    }

    /** Puts the other rules of {@code current} and {@code ours}: nobody else's rule is ever lost. */
    private static void write(ManagedBucket bucket, Current current, List<LifecycleRule> ours) {
        List<LifecycleRule> rules = LifecycleRules.merge(current.rules(), ours);
        bucket.client().putBucketLifecycleConfiguration(b -> b.bucket(bucket.bucket())
                .lifecycleConfiguration(c -> c.rules(rules))
                .transitionDefaultMinimumObjectSize(current.minimumObjectSize()));
    }

    private List<LifecycleRule> desiredRules(ManagedBucket bucket) {
        return concat(cleanupRules(bucket), transitionRules(bucket, ExpirationStatus.ENABLED));
    }

    private List<LifecycleRule> cleanupRules(ManagedBucket bucket) {
        return LifecycleRules.cleanupRules(bucket.prefixes(), properties.noncurrentExpirationDays(),
                properties.abortIncompleteUploadDays());
    }

    private List<LifecycleRule> transitionRules(ManagedBucket bucket, ExpirationStatus status) {
        return LifecycleRules.transitionRules(bucket.prefixes(), properties.transitionSteps(), status);
    }

    private StepResult cleanupResult(ManagedBucket bucket, boolean changed) {
        return StepResult.of(BucketStep.LIFECYCLE, changed ? Outcome.CHANGED : Outcome.UNCHANGED,
                "Noncurrent versions expire after " + properties.noncurrentExpirationDays() + " days and incomplete "
                        + "uploads are aborted after " + properties.abortIncompleteUploadDays() + " days under "
                        + prefixes(bucket) + "; rules of others are kept as they are.");
    }

    private StepResult transitionResult(ManagedBucket bucket, boolean changed, boolean dropsTags) {
        if (dropsTags) {
            return StepResult.of(BucketStep.LIFECYCLE_TRANSITIONS, Outcome.UNSUPPORTED, DROPS_TAG_FILTERS);
        }
        Outcome outcome = changed ? Outcome.CHANGED : Outcome.UNCHANGED;
        if (properties.transitionSteps().isEmpty()) {
            return StepResult.of(BucketStep.LIFECYCLE_TRANSITIONS, outcome, "No transitions are configured.");
        }
        return StepResult.of(BucketStep.LIFECYCLE_TRANSITIONS, outcome, "Superseded model versions (tagged "
                + SupersededTag.TAG_KEY + "=" + SupersededTag.TAG_VALUE + ") under " + prefixes(bucket)
                + " move to " + properties.transitionSteps() + " (storage class:days after upload).");
    }

    private static String prefixes(ManagedBucket bucket) {
        return bucket.prefixes().stream().map(prefix -> prefix.isEmpty() ? "the whole bucket" : "'" + prefix + "'")
                .reduce((a, b) -> a + ", " + b).orElseThrow();
    }

    private static List<LifecycleRule> concat(List<LifecycleRule> first, List<LifecycleRule> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
