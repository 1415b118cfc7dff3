package io.anomstack.modelstore.bucket;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.TransitionStorageClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class LifecycleRulesTest {

    private static final List<LifecycleTransition> STEPS = List.of(
            new LifecycleTransition("STANDARD_IA", 30), new LifecycleTransition("GLACIER", 90));
    private static final Tag SUPERSEDED = Tag.builder().key("anomstack-model-store:superseded").value("true").build();

    @Test
    void transitionsApplyOnlyToTaggedObjectsUnderThePrefix() {
        LifecycleRule rule = single(LifecycleRules.transitionRules(List.of("models/"), STEPS, ExpirationStatus.ENABLED));

        assertThat(rule.id()).isEqualTo("anomstack-model-store-superseded-transitions:models/");
        assertThat(rule.status()).isEqualTo(ExpirationStatus.ENABLED);
        assertThat(rule.filter().and().prefix()).isEqualTo("models/");
        assertThat(rule.filter().and().tags()).containsExactly(SUPERSEDED);
        assertThat(rule.transitions()).extracting(t -> t.storageClass(), t -> t.days()).containsExactly(
                tuple(TransitionStorageClass.STANDARD_IA, 30),
                tuple(TransitionStorageClass.GLACIER, 90));
        assertThat(rule.expiration()).isNull();
        assertThat(rule.noncurrentVersionExpiration()).isNull();
    }

    @Test
    void withoutAPrefixTheTagAloneScopesTheTransitionsAndWithoutStepsThereIsNoRule() {
        LifecycleRule rule = single(LifecycleRules.transitionRules(List.of(""), STEPS, ExpirationStatus.DISABLED));

        assertThat(rule.id()).isEqualTo("anomstack-model-store-superseded-transitions");
        assertThat(rule.status()).isEqualTo(ExpirationStatus.DISABLED);
        assertThat(rule.filter().and()).isNull();
        assertThat(rule.filter().tag()).isEqualTo(SUPERSEDED);
        assertThat(LifecycleRules.transitionRules(List.of("models/"), List.of(), ExpirationStatus.ENABLED)).isEmpty();
    }

    @Test
    void cleanupRulesAreScopedByPrefixOnlyOnePairPerPrefix() {
        List<LifecycleRule> rules = LifecycleRules.cleanupRules(List.of("a/", "b/"), 30, 7);

        assertThat(rules).extracting(LifecycleRule::id).containsExactly(
                "anomstack-model-store-noncurrent-expiration:a/", "anomstack-model-store-abort-incomplete-uploads:a/",
                "anomstack-model-store-noncurrent-expiration:b/", "anomstack-model-store-abort-incomplete-uploads:b/");
        LifecycleRule noncurrent = rules.get(0);
        assertThat(noncurrent.filter().prefix()).isEqualTo("a/");
        assertThat(noncurrent.filter().tag()).isNull();
        assertThat(noncurrent.noncurrentVersionExpiration().noncurrentDays()).isEqualTo(30);
        assertThat(noncurrent.expiration().expiredObjectDeleteMarker()).isTrue();
        assertThat(noncurrent.transitions()).isEmpty();
        LifecycleRule abort = rules.get(1);
        assertThat(abort.filter().prefix()).isEqualTo("a/");
        assertThat(abort.abortIncompleteMultipartUpload().daysAfterInitiation()).isEqualTo(7);
    }

    @Test
    void aMergeKeepsEveryForeignRuleAndReplacesAllOfOurs() {
        LifecycleRule foreign = LifecycleRule.builder().id("logs-expire").status(ExpirationStatus.ENABLED)
                .filter(f -> f.prefix("logs/")).expiration(e -> e.days(10)).build();
        LifecycleRule noId = LifecycleRule.builder().status(ExpirationStatus.ENABLED)
                .filter(f -> f.prefix("tmp/")).expiration(e -> e.days(1)).build();
        LifecycleRule staleOurs = LifecycleRule.builder().id("anomstack-model-store-noncurrent-expiration:old/")
                .status(ExpirationStatus.ENABLED).filter(f -> f.prefix("old/")).noncurrentVersionExpiration(n -> n.noncurrentDays(5)).build();
        List<LifecycleRule> ours = new ArrayList<>(LifecycleRules.cleanupRules(List.of("models/"), 30, 7));
        ours.addAll(LifecycleRules.transitionRules(List.of("models/"), STEPS, ExpirationStatus.ENABLED));

        List<LifecycleRule> merged = LifecycleRules.merge(List.of(foreign, staleOurs, noId), ours);

        assertThat(merged).startsWith(foreign, noId).containsAll(ours).doesNotContain(staleOurs).hasSize(2 + ours.size());
        assertThat(LifecycleRules.merge(merged, ours)).as("merging again changes nothing").isEqualTo(merged);
    }

    @Test
    void rulesCompareByMeaningInAnyOrderAndWhateverFormS3AnswersIn() {
        List<LifecycleRule> desired = LifecycleRules.cleanupRules(List.of("models/"), 30, 7);
        LifecycleRule abortWithLegacyPrefix = desired.get(1).toBuilder().filter((LifecycleRuleFilter) null)
                .prefix("models/").build();

        assertThat(LifecycleRules.sameRules(List.of(abortWithLegacyPrefix, desired.get(0)), desired)).isTrue();
        assertThat(LifecycleRules.sameRules(List.of(desired.get(0)), desired)).isFalse();
        assertThat(LifecycleRules.sameRules(LifecycleRules.cleanupRules(List.of("models/"), 31, 7), desired)).isFalse();
        List<LifecycleRule> transitions = LifecycleRules.transitionRules(List.of("models/"), STEPS, ExpirationStatus.ENABLED);
        LifecycleRule withoutTag = transitions.get(0).toBuilder().filter(f -> f.and(a -> a.prefix("models/"))).build();
        assertThat(LifecycleRules.sameRules(List.of(withoutTag), transitions)).as("a lost tag filter is a difference").isFalse();
        assertThat(LifecycleRules.sameRules(LifecycleRules.transitionRules(List.of("models/"), STEPS, ExpirationStatus.DISABLED),
                transitions)).as("status counts").isFalse();
    }

    @Test
    void theViewMarksOurRulesAndShowsFilterAndActions() {
        LifecycleRuleView ours = LifecycleRules.view(single(LifecycleRules.transitionRules(List.of("models/"), STEPS,
                ExpirationStatus.ENABLED)));
        LifecycleRuleView foreign = LifecycleRules.view(LifecycleRule.builder().id("logs-expire").status(ExpirationStatus.ENABLED)
                .filter(f -> f.prefix("logs/")).expiration(e -> e.days(10)).build());

        assertThat(ours.ours()).isTrue();
        assertThat(ours.prefix()).isEqualTo("models/");
        assertThat(ours.tags()).isEqualTo(Map.of("anomstack-model-store:superseded", "true"));
        assertThat(ours.transitions()).isEqualTo(STEPS);
        assertThat(foreign.ours()).isFalse();
        assertThat(foreign.expirationDays()).isEqualTo(10);
        assertThat(foreign.tags()).isEmpty();
    }

    private static LifecycleRule single(List<LifecycleRule> rules) {
        assertThat(rules).hasSize(1);
        return rules.get(0);
    }
}
