package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.S3CircuitBreaker;
import io.anomstack.modelstore.s3.S3Location;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.useragent.BusinessMetricFeatureId;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the rest of the service may know about the storage: where it is and whether it answers. */
@Component
public class StorageStatus {

    /** Kubernetes gives a probe 1 second by default: a check that hangs on a silent S3 must end soon after. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

    private final LocationStores stores;

    StorageStatus(LocationStores stores) {
        this.stores = stores;
    }

    /**
     * Bucket, prefix, region, the region's circuit breaker and mode, for health and info; batch files that store
     * elsewhere add their targets, described alike.
     */
    public Map<String, Object> describe() {
        Map<String, Object> details = describe(stores.defaultStore());
        details.put("mode", stores.defaultStore().target().localMode() ? "local" : "s3");
        details.put("credentials", credentialsSource());
        List<Map<String, Object>> others = stores.all().stream().skip(1).map(StorageStatus::describe).toList();
        if (!others.isEmpty()) {
            details.put("batch_targets", others);
        }
        Set<String> missing = stores.defaultStore().operations().missingPermissions().missing();
        if (!missing.isEmpty()) {
            details.put("missing_permissions", missing);
        }
        return details;
    }

    /**
     * Which provider supplied the credentials the S3 client signs with (the default chain names the one it found:
     * environment, profile, web identity…), never the credentials themselves.
     */
    private String credentialsSource() {
        try {
            AwsCredentialsIdentity identity = stores.defaultStore().operations().client().serviceClientConfiguration()
                    .credentialsProvider().resolveIdentity().join();
            return identity.providerName().map(StorageStatus::sourceNames).orElse("unknown");
        } catch (RuntimeException e) {
            return "none found";
        }
    }

    /**
     * The SDK names credential sources by short codes ({@code g,i}); spelt out here: {@code env_vars + sts_assume_role},
     * {@code static} for keys given in configuration (the SDK's {@code CREDENTIALS_CODE}).
     */
    private static String sourceNames(String codes) {
        return Arrays.stream(codes.split(","))
                .map(code -> Arrays.stream(BusinessMetricFeatureId.values())
                        .filter(feature -> feature.value().equals(code) && feature.name().startsWith("CREDENTIALS_"))
                        .map(feature -> feature == BusinessMetricFeatureId.CREDENTIALS_CODE ? "static"
                                : feature.name().substring("CREDENTIALS_".length()).toLowerCase(Locale.ROOT))
                        .findFirst().orElse(code))
                .collect(Collectors.joining(" + "));
    }

    private static Map<String, Object> describe(LocationStore store) {
        S3Location target = store.target();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("bucket", target.bucket());
        details.put("prefix", target.prefix());
        details.put("region", target.region());
        details.put("circuit_breaker", store.operations().breaker().state().name().toLowerCase(Locale.ROOT));
        return details;
    }

    /**
     * Why a bucket does not answer a HEAD request with the service's credentials, if one does not. While a circuit
     * breaker is open that is the answer, without a request to S3.
     */
    public Optional<String> problem() {
        Optional<String> failingFast = failingFast();
        if (failingFast.isPresent()) {
            return failingFast;
        }
        for (LocationStore store : stores.all()) {
            try {
                store.operations().checkBucket(CHECK_TIMEOUT);
            } catch (RuntimeException e) {
                return Optional.of(e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Why requests to S3 are failing fast right now (a circuit breaker is open), if they are. */
    public Optional<String> failingFast() {
        return stores.all().stream()
                .map(store -> store.operations().breaker())
                .filter(breaker -> breaker.state() == S3CircuitBreaker.State.OPEN)
                .map(S3CircuitBreaker::problem)
                .findFirst();
    }
}
