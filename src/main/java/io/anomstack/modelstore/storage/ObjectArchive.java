package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.S3Location;
import io.anomstack.modelstore.catalog.ArchiveState;
import io.anomstack.modelstore.catalog.ArchiveState.RestoreStatus;
import io.anomstack.modelstore.catalog.RestoreTier;
import io.anomstack.modelstore.catalog.StoreAccessException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The S3 requests about archived model objects: their live archive state (one HeadObject) and restores
 * (RestoreObject, which needs s3:RestoreObject beyond the core permissions).
 */
final class ObjectArchive {

    private static final Logger log = LoggerFactory.getLogger(ObjectArchive.class);
    private static final Pattern ONGOING = Pattern.compile("ongoing-request=\"(true|false)\"");
    private static final Pattern EXPIRY = Pattern.compile("expiry-date=\"([^\"]+)\"");
    /** Codes S3 answers a restore of an object that is not archived with. */
    private static final Set<String> NOT_ARCHIVED = Set.of("InvalidObjectState", "ObjectAlreadyInActiveTierError");

    /** What S3 did with a restore request. */
    enum RestoreAnswer { STARTED, IN_PROGRESS, ALREADY_RESTORED, NOT_ARCHIVED }

    /** The object's archive state, or empty when it does not exist. */
    Optional<ArchiveState> state(ObjectRequests operations, String key) {
        return operations.call("inspecting " + key, () -> operations.head(key)
                .map(head -> parse(head.storageClassAsString(), head.archiveStatusAsString(), head.restore())));
    }

    /**
     * Asks S3 to restore an archived object.
     *
     * @param days how long the restored copy stays; null for Intelligent-Tiering, which refuses a number of days
     */
    RestoreAnswer restore(ObjectRequests operations, String key, @Nullable Integer days, RestoreTier tier) {
        S3Location target = operations.target();
        return operations.call("restoring " + key, () -> {
            try {
                int status = operations.client().restoreObject(b -> b.bucket(target.bucket()).key(key)
                                .restoreRequest(r -> r.days(days).glacierJobParameters(g -> g.tier(tier.token()))))
                        .sdkHttpResponse().statusCode();
                // 202: a restore started; 200: a restored copy was already there (its expiry now counts from today).
                return status == 200 ? RestoreAnswer.ALREADY_RESTORED : RestoreAnswer.STARTED;
            } catch (S3Exception e) {
                String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
                if ("RestoreAlreadyInProgress".equals(code)) {
                    return RestoreAnswer.IN_PROGRESS;
                }
                if (code != null && NOT_ARCHIVED.contains(code)) {
                    return RestoreAnswer.NOT_ARCHIVED;
                }
                if ("AccessDenied".equals(code)) {
                    operations.missingPermissions().report("s3:RestoreObject", target, "Archived model versions "
                            + "cannot be restored through the service; uploads, downloads and everything else work.");
                    throw restoreDenied(target, key, days, tier, e);
                }
                throw e;
            }
        });
    }

    private static StoreAccessException restoreDenied(S3Location target, String key, Integer days, RestoreTier tier,
                                                      S3Exception e) {
        String request = (days == null ? "{" : "{\"Days\":" + days + ",") + "\"GlacierJobParameters\":{\"Tier\":\""
                + tier.token() + "\"}}";
        return new StoreAccessException("The service may not restore objects in the " + target.describe()
                + ": its IAM identity lacks s3:RestoreObject (S3 answered AccessDenied). Grant it (see the full IAM "
                + "policy in docs/security.md) or restore the object yourself: aws s3api restore-object --bucket "
                + target.bucket() + " --key " + key + " --restore-request '" + request + "'", e);
    }

    /**
     * Reads HeadObject's answer: S3 omits the storage class of STANDARD objects, names an Intelligent-Tiering archive
     * tier in x-amz-archive-status, and reports a restore in x-amz-restore as
     * {@code ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"}.
     */
    static ArchiveState parse(String storageClass, String archiveStatus, String restoreHeader) {
        String current = storageClass == null ? "STANDARD" : storageClass;
        String tier = archiveStatus == null || archiveStatus.isEmpty() ? null : archiveStatus;
        RestoreStatus restore = null;
        Instant until = null;
        if (restoreHeader != null) {
            Matcher ongoing = ONGOING.matcher(restoreHeader);
            restore = ongoing.find() && ongoing.group(1).equals("true") ? RestoreStatus.IN_PROGRESS : RestoreStatus.RESTORED;
            Matcher expiry = EXPIRY.matcher(restoreHeader);
            until = expiry.find() ? parseDate(expiry.group(1)) : null;
        }
        return ArchiveState.of(current, tier, restore, until);
    }

    private static Instant parseDate(String date) {
        try {
            return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            log.debug("Unreadable expiry date in x-amz-restore: {}", date);
            return null;
        }
    }
}
