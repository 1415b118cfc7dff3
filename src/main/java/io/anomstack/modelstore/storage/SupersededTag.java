package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.OnceLog;
import io.anomstack.modelstore.s3.S3Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Marks model objects as superseded (neither latest nor aliased) with the object tag the lifecycle transition rule is
 * scoped to (bucket management's {@code LifecycleRules}), and clears the mark when a version becomes latest or aliased again. Tagging is an
 * optimisation of storage cost, never a condition of storing models: a missing permission or a server without object
 * tagging is logged once and otherwise ignored, and no failure is thrown to the caller.
 * <p>
 * The model objects carry no other tags, so the service sets and deletes the whole tag set (one request, no read).
 */
public final class SupersededTag {

    /** Namespaced like AWS's own {@code aws:…} tags, so it cannot clash with an organisation's tags. */
    public static final String TAG_KEY = "anomstack-model-store:superseded";
    public static final String TAG_VALUE = "true";

    private static final String MARK_PERMISSION = "s3:PutObjectTagging";
    private static final String CLEAR_PERMISSION = "s3:DeleteObjectTagging";
    private static final Logger log = LoggerFactory.getLogger(SupersededTag.class);

    private final ObjectRequests operations;
    private final S3Client s3;
    private final String bucket;
    private final OnceLog onceLog = new OnceLog(log);

    SupersededTag(ObjectRequests operations) {
        this.operations = operations;
        this.s3 = operations.client();
        this.bucket = operations.target().bucket();
    }

    /** Tags {@code key} superseded; {@code false} when that could not be done (already logged). */
    boolean markSuperseded(String key) {
        return attempt(MARK_PERMISSION, key, () -> s3.putObjectTagging(b -> b.bucket(bucket).key(key)
                .tagging(t -> t.tagSet(Tag.builder().key(TAG_KEY).value(TAG_VALUE).build()))));
    }

    /** Removes the superseded tag from {@code key}; {@code false} when that could not be done (already logged). */
    boolean clearSuperseded(String key) {
        return attempt(CLEAR_PERMISSION, key, () -> s3.deleteObjectTagging(b -> b.bucket(bucket).key(key)));
    }

    private boolean attempt(String permission, String key, Runnable request) {
        try {
            request.run();
            return true;
        } catch (SdkException e) {
            S3Refusal refusal = S3Refusal.of(e);
            boolean marking = permission.equals(MARK_PERMISSION);
            // A mark that cannot be cleared is the costly failure: lifecycle may then archive a version that is latest again.
            String consequence = marking ? "superseded model versions stay in their storage class"
                    : "versions that became latest or aliased again keep the tag, and lifecycle may still move them to colder storage";
            switch (refusal.kind()) {
                case DENIED -> operations.missingPermissions().report(permission, operations.target(),
                        "Without it " + consequence + ".");
                case UNSUPPORTED -> onceLog.warn("tagging", "The S3 server of bucket '{}' does not implement object tagging ({}): "
                        + "superseded model versions are not tagged.", bucket, refusal.message());
                default -> log.warn("Could not {} the superseded tag of {} in bucket '{}' ({}): {}.",
                        marking ? "set" : "clear", key, bucket, refusal.message(), consequence);
            }
            return false;
        }
    }
}
