package io.anomstack.modelstore.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.anomstack.modelstore.catalog.ModelNames;
import io.anomstack.modelstore.catalog.RetentionRule;
import io.anomstack.modelstore.policy.BatchPolicies;
import io.anomstack.modelstore.pickle.PicklePolicy;
import io.anomstack.modelstore.policy.BatchPolicy;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** Shows the storage policy in effect for a batch ({@link BatchPolicies}). */
@RestController
@RequestMapping("/api/v1/models")
@Tag(name = "policies", description = "The storage policy in effect for each metric batch")
class PolicyController {

    private final BatchPolicies policies;
    private final PicklePolicy.PerBatch pickles;

    PolicyController(BatchPolicies policies, PicklePolicy.PerBatch pickles) {
        this.policies = policies;
        this.pickles = pickles;
    }

    /** A batch's effective storage policy: its batch file's settings over the service-wide defaults. */
    record PolicyView(String batch, String bucket, String prefix, String region, String encryption,
                      @JsonProperty("kms_key_id") String kmsKeyId, @JsonProperty("bucket_key") Boolean bucketKey,
                      @JsonProperty("storage_class") String storageClass, String compression, RetentionRule retention,
                      PickleView pickle, @JsonProperty("source") String source) {

        static PolicyView of(BatchPolicy policy, PicklePolicy pickle) {
            return new PolicyView(policy.batch(), policy.bucket(), policy.prefix(), policy.region(),
                    policy.encryption() == null ? null : policy.encryption().toString(), policy.kmsKeyId(),
                    policy.bucketKey(), policy.storageClass().toString(), policy.compression().token(),
                    policy.retention(), new PickleView(pickle.mode().token(),
                            policy.pickle() == null ? List.of() : policy.pickle().allow()),
                    policy.source() == null ? "defaults" : policy.source().toString());
        }
    }

    /**
     * The batch's pickle check at upload.
     *
     * @param policy {@code enforce}, {@code report} or {@code off}
     * @param allow  what the batch file adds to the service's allow-list
     */
    record PickleView(@Schema(example = "enforce") String policy,
                      @Schema(example = "[\"mycompany.detectors.*\"]") List<String> allow) {
    }

    @GetMapping("/{batch}/policy")
    @Operation(summary = "Show a batch's effective storage policy",
            description = "Bucket, prefix, region, encryption, storage class, compression, retention and the pickle check, "
                    + "with the batch file it comes from (or 'defaults' for the environment's settings).")
    PolicyView policy(@PathVariable @Parameter(example = "my_batch") String batch) {
        String name = ModelNames.require("batch", batch);
        return PolicyView.of(policies.policyFor(name), pickles.forBatch(name));
    }
}
