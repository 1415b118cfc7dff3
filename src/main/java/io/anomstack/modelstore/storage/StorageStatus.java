package io.anomstack.modelstore.storage;

import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What the rest of the service may know about the storage: where it is and whether it answers. */
@Component
public class StorageStatus {

    private final S3Operations operations;

    StorageStatus(S3Operations operations) {
        this.operations = operations;
    }

    /** Bucket, prefix, region and mode, for health and info. */
    public Map<String, Object> describe() {
        S3Target target = operations.target();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("bucket", target.bucket());
        details.put("prefix", target.prefix());
        details.put("region", target.region());
        details.put("mode", target.localMode() ? "local" : "s3");
        return details;
    }

    /** Why the bucket does not answer a HEAD request with the service's credentials, if it does not. */
    public Optional<String> problem() {
        try {
            operations.checkBucket();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(e.getMessage());
        }
    }
}
