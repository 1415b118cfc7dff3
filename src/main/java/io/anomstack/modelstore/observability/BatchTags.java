package io.anomstack.modelstore.observability;

import io.micrometer.core.instrument.Tags;
import org.springframework.stereotype.Component;

import java.util.Set;

/** The optional {@code batch} tag: present only when batches were chosen, and then the same key on every meter. */
@Component
class BatchTags {

    static final String OTHER = "other";

    private final Set<String> chosen;

    BatchTags(MetricsProperties properties) {
        this.chosen = Set.copyOf(properties.batchTags());
    }

    /** The tag for a batch ({@code null} when the request named none). */
    Tags of(String batch) {
        if (chosen.isEmpty()) {
            return Tags.empty();
        }
        // One tag key for every meter of a name, whatever the batch: registries refuse a name with varying keys.
        return Tags.of("batch", batch != null && chosen.contains(batch) ? batch : OTHER);
    }
}
