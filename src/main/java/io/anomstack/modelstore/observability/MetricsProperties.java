package io.anomstack.modelstore.observability;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.util.List;

/**
 * What the service's meters carry and what of them goes to CloudWatch.
 *
 * @param batchTags        batches whose name becomes a {@code batch} tag; every other batch is tagged {@code other}.
 *                         Empty (the default): no {@code batch} tag at all. CloudWatch bills every name × dimension
 *                         combination, so only batches someone watches on their own belong here.
 * @param cloudwatchMeters meter names sent to CloudWatch: a name matches itself and every name below it
 *                         ({@code modelstore} matches {@code modelstore.upload.bytes}). The other meters stay on
 *                         {@code /actuator/metrics} and {@code /actuator/prometheus}.
 */
@Validated
@ConfigurationProperties("modelstore.metrics")
public record MetricsProperties(
        @NotNull @DefaultValue List<String> batchTags,
        @NotNull @DefaultValue({"modelstore", "jvm.memory.used", "jvm.gc.pause", "jvm.threads.live",
                "process.cpu.usage"}) List<String> cloudwatchMeters) {

    public MetricsProperties {
        batchTags = List.copyOf(batchTags);
        cloudwatchMeters = List.copyOf(cloudwatchMeters);
    }

    /** Whether a meter of this name may go to CloudWatch. */
    boolean exportsToCloudWatch(String meterName) {
        return cloudwatchMeters.stream().anyMatch(allowed -> meterName.equals(allowed) || meterName.startsWith(allowed + "."));
    }
}
