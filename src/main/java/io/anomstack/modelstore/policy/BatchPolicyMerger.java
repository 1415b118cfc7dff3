package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.RetentionRule;
import io.anomstack.modelstore.storage.S3SettingRules;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays each batch file over the service's defaults, checks the settings that only make sense together (a KMS
 * algorithm and its key, a Bucket Key and SSE-KMS), and that no batch is declared by two files.
 */
final class BatchPolicyMerger {

    private BatchPolicyMerger() {
    }

    /**
     * The policies of the valid files, and every problem: each file's own, then those of its settings over the
     * defaults and a second declaration of its batch, file by file in the given order.
     */
    record Merged(List<BatchPolicy> policies, List<String> problems) {

        Merged {
            policies = List.copyOf(policies);
            problems = List.copyOf(problems);
        }
    }

    static Merged merge(BatchPolicyDefaults defaults, List<BatchFile> files) {
        List<String> problems = new ArrayList<>();
        List<BatchPolicy> policies = new ArrayList<>();
        Map<String, BatchFile> declared = new HashMap<>();
        for (BatchFile file : files) {
            problems.addAll(file.problems());
            String batch = file.batch();
            if (batch == null) {
                continue;
            }
            int problemsBefore = problems.size();
            BatchFile.Overrides overrides = file.overrides();
            BatchPolicy policy = overrides == null ? null : resolve(defaults, file.path(), batch, overrides, problems);
            BatchFile earlier = declared.putIfAbsent(batch, file);
            if (earlier != null) {
                problems.add(ProblemText.at(file.path(), file.batchLine(), "metric_batch '" + batch
                        + "' is already declared in " + earlier.path() + " line " + earlier.batchLine()
                        + "; each batch must be declared in one file only."));
            } else if (policy != null && file.problems().isEmpty() && problems.size() == problemsBefore) {
                policies.add(policy);
            }
        }
        return new Merged(policies, problems);
    }

    /**
     * The file's settings over the defaults; {@code null} when they cannot make a policy, which only happens when a
     * problem has been reported.
     */
    private static @Nullable BatchPolicy resolve(BatchPolicyDefaults defaults, Path file, String batch,
                                                 BatchFile.Overrides o, List<String> problems) {
        ServerSideEncryption encryption = o.encryption != null ? o.encryption : defaults.encryption();
        String kmsKeyId = null;
        if (!o.encryptionInvalid) {
            if (S3SettingRules.usesKms(encryption)) {
                kmsKeyId = o.kmsKeyId != null ? o.kmsKeyId : defaults.kmsKeyId();
                if (kmsKeyId == null) {
                    problems.add(ProblemText.at(file, o.encryptionLine, "encryption '" + encryption + "' needs kms_key_id: "
                            + S3SettingRules.KMS_KEY_RULE + "."));
                }
            } else if (o.kmsKeyId != null) {
                problems.add(ProblemText.at(file, o.kmsKeyLine, "kms_key_id is set but the batch's encryption is "
                        + describe(encryption)
                        + ", not aws:kms or aws:kms:dsse; set encryption: aws:kms to use the key, or remove kms_key_id."));
            }
            if (Boolean.TRUE.equals(o.bucketKey) && encryption != ServerSideEncryption.AWS_KMS) {
                problems.add(ProblemText.at(file, o.bucketKeyLine, "bucket_key applies to SSE-KMS only, and the batch's "
                        + "encryption is " + describe(encryption) + "; set encryption: aws:kms, or remove bucket_key."));
            }
        }
        RetentionRule base = defaults.retention();
        RetentionRule retention = new RetentionRule(
                o.keepLastSet ? o.keepLast : base.keepLast(),
                o.maxAgeDaysSet ? o.maxAgeDays : base.maxAgeDays());
        try {
            return new BatchPolicy(batch,
                    o.bucket != null ? o.bucket : defaults.bucket(),
                    o.prefix != null ? o.prefix : defaults.prefix(),
                    o.region != null ? o.region : defaults.region(),
                    encryption,
                    kmsKeyId,
                    o.bucketKey != null ? o.bucketKey : defaults.bucketKey(),
                    o.storageClass != null ? o.storageClass : defaults.storageClass(),
                    o.compression != null ? o.compression : defaults.compression(),
                    retention,
                    file,
                    o.pickle);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String describe(@Nullable ServerSideEncryption encryption) {
        return encryption == null ? "the bucket's default" : encryption.toString();
    }
}
