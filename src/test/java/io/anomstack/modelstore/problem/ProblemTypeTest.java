package io.anomstack.modelstore.problem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Each problem type has its own URN, derived from its slug, and is found again from it. */
class ProblemTypeTest {

    @ParameterizedTest
    @EnumSource(ProblemType.class)
    void theUrnIsThePrefixAndTheSlugAndLeadsBackToTheType(ProblemType type) {
        assertThat(type.uri()).hasToString("urn:anomstack:model-store:problem:" + type.slug());
        assertThat(ProblemType.ofUri(type.uri())).isSameAs(type);
        assertThat(type.slug()).isEqualTo(type.name().toLowerCase().replace('_', '-'));
        assertThat(type.status()).isBetween(400, 599);
    }

    @Test
    void slugsAreUniqueAndOtherTypesAreNoneOfTheServices() {
        assertThat(Arrays.stream(ProblemType.values()).map(ProblemType::slug)).doesNotHaveDuplicates();
        assertThat(ProblemType.ofUri(URI.create("about:blank"))).isNull();
        assertThat(ProblemType.ofUri(null)).isNull();
    }
}
