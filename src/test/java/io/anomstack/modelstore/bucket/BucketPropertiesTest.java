package io.anomstack.modelstore.bucket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BucketPropertiesTest {

    @Test
    void theDefaultTransitionsAreTheAnomstackDesignsExample() {
        assertThat(properties("STANDARD_IA:30,GLACIER:90").transitionSteps()).containsExactly(
                new LifecycleTransition("STANDARD_IA", 30), new LifecycleTransition("GLACIER", 90));
    }

    @Test
    void blankOrNoneMeansNoTransitionsAndCaseAndSpacesDoNotMatter() {
        assertThat(properties("").transitionSteps()).isEmpty();
        assertThat(properties(" none ").transitionSteps()).isEmpty();
        assertThat(properties(" glacier_ir : 45 , deep_archive:180").transitionSteps()).containsExactly(
                new LifecycleTransition("GLACIER_IR", 45), new LifecycleTransition("DEEP_ARCHIVE", 180));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "STANDARD_IA                    | is not CLASS:DAYS",
            "FAST:30                        | 'FAST' is not a lifecycle transition storage class",
            "STANDARD:30                    | 'STANDARD' is not a lifecycle transition storage class",
            "GLACIER:soon                   | must be a whole number",
            "GLACIER:0                      | at least 1 day",
            "STANDARD_IA:10                 | after 30 days at the earliest",
            "GLACIER:90,STANDARD_IA:120     | colder class",
            "STANDARD_IA:30,GLACIER:30      | colder class",
            "STANDARD_IA:30,GLACIER:45      | at least 30 days after STANDARD_IA:30"})
    void transitionsS3WouldRejectStopTheServiceWithTheReason(String transitions, String reason) {
        assertThatThrownBy(() -> properties(transitions))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("MODELSTORE_BUCKET_TRANSITIONS")
                .hasMessageContaining(reason);
    }

    @Test
    void daysAndTimeoutMustBePositive() {
        assertThatThrownBy(() -> new BucketProperties(true, "", 0, 7, true, Duration.ofSeconds(30)))
                .hasMessageContaining("MODELSTORE_BUCKET_NONCURRENT_EXPIRATION_DAYS");
        assertThatThrownBy(() -> new BucketProperties(true, "", 30, 0, true, Duration.ofSeconds(30)))
                .hasMessageContaining("MODELSTORE_BUCKET_ABORT_INCOMPLETE_UPLOAD_DAYS");
        assertThatThrownBy(() -> new BucketProperties(true, "", 30, 7, true, Duration.ZERO))
                .hasMessageContaining("MODELSTORE_BUCKET_STARTUP_TIMEOUT");
    }

    @Test
    void kmsEncryptionIsSatisfiedOnlyWithTheSameKeyAndBucketKeySettingWhileAes256IgnoresTheBucketKey() {
        DefaultEncryption kms = new DefaultEncryption("aws:kms", "alias/models", true);

        assertThat(kms.satisfiedBy(new DefaultEncryption("aws:kms", "alias/models", true))).isTrue();
        assertThat(kms.satisfiedBy(new DefaultEncryption("aws:kms", "alias/models", false))).isFalse();
        assertThat(kms.satisfiedBy(new DefaultEncryption("aws:kms", "alias/other", true))).isFalse();
        assertThat(kms.satisfiedBy(new DefaultEncryption("AES256", null, false))).isFalse();
        assertThat(kms.satisfiedBy(null)).isFalse();
        assertThat(new DefaultEncryption("AES256", null, null).satisfiedBy(new DefaultEncryption("AES256", null, false))).isTrue();
    }

    private static BucketProperties properties(String transitions) {
        return new BucketProperties(true, transitions, 30, 7, true, Duration.ofSeconds(30));
    }
}
