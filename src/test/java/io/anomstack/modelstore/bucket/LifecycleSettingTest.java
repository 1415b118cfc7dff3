package io.anomstack.modelstore.bucket;

import io.anomstack.modelstore.bucket.StepResult.Outcome;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.GetBucketLifecycleConfigurationRequest;
import software.amazon.awssdk.services.s3.model.GetBucketLifecycleConfigurationResponse;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.PutBucketLifecycleConfigurationRequest;
import software.amazon.awssdk.services.s3.model.PutBucketLifecycleConfigurationResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Reconciling the lifecycle configuration against an in-memory stand-in for S3's two lifecycle requests. */
class LifecycleSettingTest {

    private static final BucketProperties PROPERTIES = new BucketProperties(true, "STANDARD_IA:30,GLACIER:90", 30, 7, true,
            Duration.ofSeconds(30));
    private static final LifecycleRule FOREIGN = LifecycleRule.builder().id("logs-expire").status(ExpirationStatus.ENABLED)
            .filter(f -> f.prefix("logs/")).expiration(e -> e.days(10)).build();

    private final LifecycleSetting setting = new LifecycleSetting(PROPERTIES);

    @Test
    void aBucketWithoutRulesGetsOursAndASecondRunChangesNothing() {
        FakeLifecycleS3 s3 = new FakeLifecycleS3(UnaryOperator.identity());

        assertThat(outcomes(setting.reconcile(bucket(s3)))).containsExactly(Outcome.CHANGED, Outcome.CHANGED);

        assertThat(s3.rules).extracting(LifecycleRule::id).containsExactlyInAnyOrder(
                "anomstack-model-store-noncurrent-expiration:models/", "anomstack-model-store-abort-incomplete-uploads:models/",
                "anomstack-model-store-superseded-transitions:models/");
        assertThat(transitionRule(s3.rules).status()).isEqualTo(ExpirationStatus.ENABLED);
        int puts = s3.puts.size();
        assertThat(outcomes(setting.reconcile(bucket(s3)))).containsExactly(Outcome.UNCHANGED, Outcome.UNCHANGED);
        assertThat(s3.puts).as("nothing written the second time").hasSize(puts);
        assertThat(setting.inspect(bucket(s3)).matches()).isTrue();
    }

    @Test
    void othersRulesAndTheMinimumObjectSizeSurviveEveryWrite() {
        FakeLifecycleS3 s3 = new FakeLifecycleS3(UnaryOperator.identity());
        s3.rules = List.of(FOREIGN);
        s3.minimumObjectSize = "varies_by_storage_class";

        setting.reconcile(bucket(s3));

        assertThat(s3.rules).contains(FOREIGN).hasSize(4);
        assertThat(s3.puts).allSatisfy(put -> {
            assertThat(put.lifecycleConfiguration().rules()).contains(FOREIGN);
            assertThat(put.transitionDefaultMinimumObjectSizeAsString()).isEqualTo("varies_by_storage_class");
        });
        assertThat(setting.inspect(bucket(s3)).actual()).anySatisfy(rule -> {
            assertThat(rule.id()).isEqualTo("logs-expire");
            assertThat(rule.ours()).isFalse();
        });
    }

    @Test
    void aServerThatDropsTheTagFilterNeverGetsAnEnabledTransitionRule() {
        FakeLifecycleS3 s3 = new FakeLifecycleS3(LifecycleSettingTest::withoutTags);
        s3.rules = List.of(FOREIGN);

        List<StepResult> first = setting.reconcile(bucket(s3));

        assertThat(outcomes(first)).containsExactly(Outcome.CHANGED, Outcome.UNSUPPORTED);
        assertThat(first.get(1).detail()).contains("without its tag filter");
        assertThat(s3.puts).as("the rule went in disabled, and only then was it checked")
                .allSatisfy(put -> put.lifecycleConfiguration().rules().stream().filter(LifecycleRules::isTransitionRule)
                        .forEach(rule -> assertThat(rule.status()).isEqualTo(ExpirationStatus.DISABLED)));
        assertThat(s3.rules).noneMatch(LifecycleRules::isTransitionRule).contains(FOREIGN).hasSize(3);

        int puts = s3.puts.size();
        assertThat(outcomes(setting.reconcile(bucket(s3)))).containsExactly(Outcome.UNCHANGED, Outcome.UNSUPPORTED);
        assertThat(s3.puts).as("known to drop tags: not tried again").hasSize(puts);
    }

    @Test
    void aDeniedReadWritesNothingAndADeniedWriteNamesItsPermission() {
        FakeLifecycleS3 s3 = new FakeLifecycleS3(UnaryOperator.identity());
        s3.rules = List.of(FOREIGN);
        s3.denyGet = true;

        List<StepResult> readDenied = setting.reconcile(bucket(s3));

        assertThat(readDenied).allSatisfy(step -> {
            assertThat(step.outcome()).isEqualTo(Outcome.DENIED);
            assertThat(step.missingPermission()).isEqualTo("s3:GetLifecycleConfiguration");
        });
        assertThat(s3.puts).isEmpty();

        s3.denyGet = false;
        s3.denyPut = true;
        List<StepResult> writeDenied = setting.reconcile(bucket(s3));

        assertThat(writeDenied).extracting(StepResult::step).containsExactly(BucketStep.LIFECYCLE, BucketStep.LIFECYCLE_TRANSITIONS);
        assertThat(writeDenied).allSatisfy(step -> {
            assertThat(step.outcome()).isEqualTo(Outcome.DENIED);
            assertThat(step.missingPermission()).isEqualTo("s3:PutLifecycleConfiguration");
        });
        assertThat(s3.rules).containsExactly(FOREIGN);
    }

    private static ManagedBucket bucket(S3Client s3) {
        return new ManagedBucket(s3, "models-bucket", "us-east-1", List.of("models/"), new DefaultEncryption("AES256", null, null));
    }

    private static List<Outcome> outcomes(List<StepResult> steps) {
        return steps.stream().map(StepResult::outcome).toList();
    }

    private static LifecycleRule transitionRule(List<LifecycleRule> rules) {
        return rules.stream().filter(LifecycleRules::isTransitionRule).findFirst().orElseThrow();
    }

    /** What S3Mock 5.2.3 stores of a rule: the filter without its tags. */
    private static LifecycleRule withoutTags(LifecycleRule rule) {
        if (rule.filter() == null || rule.filter().and() == null) {
            return rule;
        }
        return rule.toBuilder().filter(f -> f.and(a -> a.prefix(rule.filter().and().prefix()))).build();
    }

    /** The lifecycle requests of one bucket, stored in memory; {@code storing} is what the server keeps of a rule. */
    private static final class FakeLifecycleS3 implements S3Client {

        private final UnaryOperator<LifecycleRule> storing;
        private final List<PutBucketLifecycleConfigurationRequest> puts = new ArrayList<>();
        private List<LifecycleRule> rules = List.of();
        private String minimumObjectSize;
        private boolean denyGet;
        private boolean denyPut;

        FakeLifecycleS3(UnaryOperator<LifecycleRule> storing) {
            this.storing = storing;
        }

        @Override
        public GetBucketLifecycleConfigurationResponse getBucketLifecycleConfiguration(GetBucketLifecycleConfigurationRequest request) {
            if (denyGet) {
                throw accessDenied();
            }
            if (rules.isEmpty()) {
                throw (S3Exception) S3Exception.builder().statusCode(404).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("NoSuchLifecycleConfiguration").build()).build();
            }
            return GetBucketLifecycleConfigurationResponse.builder().rules(rules)
                    .transitionDefaultMinimumObjectSize(minimumObjectSize).build();
        }

        @Override
        public PutBucketLifecycleConfigurationResponse putBucketLifecycleConfiguration(PutBucketLifecycleConfigurationRequest request) {
            if (denyPut) {
                throw accessDenied();
            }
            puts.add(request);
            rules = request.lifecycleConfiguration().rules().stream().map(storing).collect(Collectors.toList());
            minimumObjectSize = request.transitionDefaultMinimumObjectSizeAsString();
            return PutBucketLifecycleConfigurationResponse.builder().build();
        }

        private static S3Exception accessDenied() {
            return (S3Exception) S3Exception.builder().statusCode(403).message("Access Denied")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("Access Denied").build()).build();
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {
        }
    }
}
