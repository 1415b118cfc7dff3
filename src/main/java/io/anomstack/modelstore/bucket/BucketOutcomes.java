package io.anomstack.modelstore.bucket;

import io.anomstack.modelstore.s3.S3Refusal;


/** How an S3 refusal shows in a bucket report (a read) and in a reconciliation step (a read or a write). */
final class BucketOutcomes {

    private BucketOutcomes() {
    }

    static <T> SettingReport<T> notRead(S3Refusal refusal, T desired, String permission) {
        return switch (refusal.kind()) {
            case DENIED -> SettingReport.notRead(SettingReport.Probe.DENIED, desired, permission,
                    "S3 denied " + permission + " (" + refusal.message() + ").");
            case UNSUPPORTED -> SettingReport.notRead(SettingReport.Probe.UNSUPPORTED, desired, null, unsupported(refusal));
            case NO_SUCH_BUCKET -> SettingReport.notRead(SettingReport.Probe.SKIPPED, desired, null, "The bucket does not exist.");
            case NOT_CONFIGURED, FAILED -> SettingReport.notRead(SettingReport.Probe.FAILED, desired, null, refusal.message());
        };
    }

    static StepResult failed(BucketStep step, S3Refusal refusal, String permission) {
        return switch (refusal.kind()) {
            case DENIED -> StepResult.denied(step, permission, "S3 denied " + permission + " (" + refusal.message() + ").");
            case UNSUPPORTED -> StepResult.of(step, StepResult.Outcome.UNSUPPORTED, unsupported(refusal));
            case NO_SUCH_BUCKET -> StepResult.of(step, StepResult.Outcome.SKIPPED, "The bucket does not exist.");
            case NOT_CONFIGURED, FAILED -> StepResult.of(step, StepResult.Outcome.FAILED, refusal.message());
        };
    }

    private static String unsupported(S3Refusal refusal) {
        return "The S3 server does not implement this (" + refusal.message() + ").";
    }
}
