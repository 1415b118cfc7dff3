package io.anomstack.modelstore.observability;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsPropertiesTest {

    @Test
    void anAllowedNameCoversTheNamesBelowItOnly() {
        MetricsProperties properties = new MetricsProperties(List.of(), List.of("modelstore", "jvm.memory.used"));
        assertThat(properties.exportsToCloudWatch("modelstore.upload")).isTrue();
        assertThat(properties.exportsToCloudWatch("modelstore.upload.percentile")).isTrue();
        assertThat(properties.exportsToCloudWatch("jvm.memory.used")).isTrue();
        assertThat(properties.exportsToCloudWatch("modelstoreextra")).isFalse();
        assertThat(properties.exportsToCloudWatch("jvm.memory.max")).isFalse();
        assertThat(properties.exportsToCloudWatch("http.server.requests")).isFalse();
    }

    @Test
    void batchTagsAreAbsentUnlessBatchesAreChosen() {
        assertThat(new BatchTags(new MetricsProperties(List.of(), List.of())).of("b")).isEmpty();
        BatchTags chosen = new BatchTags(new MetricsProperties(List.of("watched"), List.of()));
        assertThat(chosen.of("watched").stream().map(tag -> tag.getValue())).containsExactly("watched");
        assertThat(chosen.of("another").stream().map(tag -> tag.getValue())).containsExactly("other");
        assertThat(chosen.of(null).stream().map(tag -> tag.getValue())).containsExactly("other");
    }
}
