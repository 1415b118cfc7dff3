package io.anomstack.modelstore.bucket;

import io.anomstack.modelstore.s3.OnceLog;
import io.anomstack.modelstore.s3.S3Refusal;
import io.anomstack.modelstore.bucket.StepResult.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Bucket management on S3: each managed bucket is created if missing, then versioning, public access block, default
 * encryption and lifecycle rules are read and written where they differ. Every step stands alone, so a permission the
 * service lacks or a feature the server lacks costs that step only; a missing permission is logged once.
 */
final class S3BucketAdmin implements BucketAdmin {

    private static final Logger log = LoggerFactory.getLogger(S3BucketAdmin.class);
    private static final String HEAD_PERMISSION = "s3:ListBucket";
    private static final String CREATE_PERMISSION = "s3:CreateBucket";
    private static final BucketSetting<String> VERSIONING = new BucketSetting.Versioning();
    private static final BucketSetting<PublicAccessBlock> PUBLIC_ACCESS = new BucketSetting.PublicAccess();
    private static final BucketSetting<DefaultEncryption> ENCRYPTION = new BucketSetting.Encryption();

    private final ManagedBuckets buckets;
    private final boolean manage;
    private final LifecycleSetting lifecycle;
    private final OnceLog denials = new OnceLog(log);

    S3BucketAdmin(ManagedBuckets buckets, boolean manage, LifecycleSetting lifecycle) {
        this.buckets = buckets;
        this.manage = manage;
        this.lifecycle = lifecycle;
    }

    @Override
    public boolean managed() {
        return manage;
    }

    @Override
    public List<BucketReport> inspect() {
        return buckets.all().stream().map(this::inspect).toList();
    }

    /** Serialised: the start-up reconciliation may still run when the first request for one comes. */
    @Override
    public synchronized List<ReconcileReport> reconcile() {
        if (!manage) {
            throw new BucketManagementDisabledException();
        }
        List<ReconcileReport> reports = buckets.all().stream().map(this::reconcile).toList();
        reports.forEach(this::logOutcome);
        return reports;
    }

    private BucketReport inspect(ManagedBucket bucket) {
        SettingReport<Boolean> exists = inspectExistence(bucket);
        boolean missing = Boolean.FALSE.equals(exists.actual());
        return new BucketReport(bucket.bucket(), bucket.region(), bucket.prefixes(), exists,
                inspect(bucket, VERSIONING, missing),
                inspect(bucket, PUBLIC_ACCESS, missing),
                inspect(bucket, ENCRYPTION, missing),
                missing ? skipped(lifecycle.desired(bucket)) : lifecycle.inspect(bucket));
    }

    private static SettingReport<Boolean> inspectExistence(ManagedBucket bucket) {
        try {
            bucket.client().headBucket(b -> b.bucket(bucket.bucket()));
            return SettingReport.read(true, true, true, null);
        } catch (SdkException e) {
            S3Refusal refusal = S3Refusal.of(e);
            if (refusal.kind() == S3Refusal.Kind.NO_SUCH_BUCKET) {
                return SettingReport.read(false, true, false, "The bucket does not exist.");
            }
            return BucketOutcomes.notRead(refusal, true, HEAD_PERMISSION);
        }
    }

    private static <T> SettingReport<T> inspect(ManagedBucket bucket, BucketSetting<T> setting, boolean missing) {
        T desired = setting.desired(bucket);
        if (missing) {
            return skipped(desired);
        }
        try {
            T actual = read(bucket, setting);
            return SettingReport.read(actual, desired, setting.matches(actual, desired), null);
        } catch (BucketSetting.UnsupportedByServer e) {
            return SettingReport.notRead(SettingReport.Probe.UNSUPPORTED, desired, null, e.getMessage() + ".");
        } catch (SdkException e) {
            return BucketOutcomes.notRead(S3Refusal.of(e), desired, setting.readPermission());
        }
    }

    private static <T> SettingReport<T> skipped(T desired) {
        return SettingReport.notRead(SettingReport.Probe.SKIPPED, desired, null, "The bucket does not exist.");
    }

    private ReconcileReport reconcile(ManagedBucket bucket) {
        List<StepResult> steps = new ArrayList<>();
        StepResult existence = ensureExists(bucket);
        steps.add(existence);
        if (existence.outcome() == Outcome.FAILED || (existence.outcome() == Outcome.DENIED
                && CREATE_PERMISSION.equals(existence.missingPermission()))) {
            for (BucketStep step : List.of(BucketStep.VERSIONING, BucketStep.PUBLIC_ACCESS_BLOCK, BucketStep.ENCRYPTION,
                    BucketStep.LIFECYCLE, BucketStep.LIFECYCLE_TRANSITIONS)) {
                steps.add(StepResult.of(step, Outcome.SKIPPED, "Not attempted: the bucket is not usable (see step 'bucket')."));
            }
            return new ReconcileReport(bucket.bucket(), bucket.region(), steps);
        }
        steps.add(reconcile(bucket, VERSIONING));
        steps.add(reconcile(bucket, PUBLIC_ACCESS));
        steps.add(reconcile(bucket, ENCRYPTION));
        steps.addAll(lifecycle.reconcile(bucket));
        return new ReconcileReport(bucket.bucket(), bucket.region(), steps);
    }

    private static StepResult ensureExists(ManagedBucket bucket) {
        try {
            bucket.client().headBucket(b -> b.bucket(bucket.bucket()));
            return StepResult.of(BucketStep.BUCKET, Outcome.UNCHANGED, "The bucket exists.");
        } catch (SdkException e) {
            S3Refusal refusal = S3Refusal.of(e);
            if (refusal.kind() != S3Refusal.Kind.NO_SUCH_BUCKET) {
                // Without s3:ListBucket the bucket may well exist: the other steps say what they can do.
                return BucketOutcomes.failed(BucketStep.BUCKET, refusal, HEAD_PERMISSION);
            }
        }
        try {
            create(bucket);
            return StepResult.of(BucketStep.BUCKET, Outcome.CHANGED, "Created the bucket in region " + bucket.region() + ".");
        } catch (SdkException e) {
            if (e instanceof BucketAlreadyOwnedByYouException) {
                return StepResult.of(BucketStep.BUCKET, Outcome.UNCHANGED, "The bucket exists (created meanwhile).");
            }
            S3Refusal refusal = S3Refusal.of(e);
            return refusal.kind() == S3Refusal.Kind.NO_SUCH_BUCKET
                    ? StepResult.of(BucketStep.BUCKET, Outcome.FAILED, refusal.message())
                    : BucketOutcomes.failed(BucketStep.BUCKET, refusal, CREATE_PERMISSION);
        }
    }

    private static void create(ManagedBucket bucket) {
        // us-east-1 is S3's default location and must not be named as a LocationConstraint; every other region must.
        boolean defaultRegion = Region.US_EAST_1.id().equals(bucket.region());
        bucket.client().createBucket(b -> {
            b.bucket(bucket.bucket());
            if (!defaultRegion) {
                b.createBucketConfiguration(c -> c.locationConstraint(bucket.region()));
            }
        });
    }

    private static <T> StepResult reconcile(ManagedBucket bucket, BucketSetting<T> setting) {
        T desired = setting.desired(bucket);
        T actual;
        try {
            actual = read(bucket, setting);
        } catch (BucketSetting.UnsupportedByServer e) {
            return StepResult.of(setting.step(), Outcome.UNSUPPORTED, e.getMessage() + ".");
        } catch (SdkException e) {
            return BucketOutcomes.failed(setting.step(), S3Refusal.of(e), setting.readPermission());
        }
        if (setting.matches(actual, desired)) {
            return StepResult.of(setting.step(), Outcome.UNCHANGED, "Is " + describe(actual) + ".");
        }
        try {
            setting.write(bucket, desired);
            return StepResult.of(setting.step(), Outcome.CHANGED, "Was " + describe(actual) + ", now " + describe(desired) + ".");
        } catch (SdkException e) {
            return BucketOutcomes.failed(setting.step(), S3Refusal.of(e), setting.writePermission());
        }
    }

    /** The setting as S3 reports it; a configuration S3 says is not set reads as {@code null}. */
    private static <T> T read(ManagedBucket bucket, BucketSetting<T> setting) {
        try {
            return setting.read(bucket);
        } catch (SdkException e) {
            if (S3Refusal.of(e).kind() == S3Refusal.Kind.NOT_CONFIGURED) {
                return null;
            }
            throw e;
        }
    }

    private static String describe(Object value) {
        if (value == null) {
            return "not set";
        }
        if (value instanceof DefaultEncryption encryption) {
            return encryption.algorithm() + (encryption.kmsKeyId() == null ? "" : " with key " + encryption.kmsKeyId())
                    + (encryption.bucketKeyEnabled() == null ? "" : ", bucket key " + (encryption.bucketKeyEnabled() ? "on" : "off"));
        }
        if (value instanceof PublicAccessBlock block) {
            return block.equals(PublicAccessBlock.ALL_BLOCKED) ? "all public access blocked" : block.toString();
        }
        return value.toString();
    }

    private void logOutcome(ReconcileReport report) {
        report.steps().stream().filter(step -> step.outcome() == Outcome.DENIED).forEach(step -> denials.warn(
                step.missingPermission(), "Bucket management: S3 denied {} on bucket '{}', so its {} is left as it is. "
                        + "Grant the permission to the service's IAM identity (see docs/bucket-management.md).",
                step.missingPermission(), report.bucket(), step.step().name().toLowerCase()));
        log.info("Bucket '{}' in {} reconciled: {}", report.bucket(), report.region(), report.steps().stream()
                .map(step -> step.step().name().toLowerCase() + " " + step.outcome().name().toLowerCase())
                .collect(Collectors.joining(", ")));
    }
}
