package io.anomstack.modelstore.s3;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The S3 requests the catalog is made of, on the configured bucket, each turning SDK failures into the
 * service's own exceptions. Small JSON documents always stay in STANDARD: infrequent-access classes bill
 * a 128 KB minimum size and 30 days, more than such a document is worth.
 */
public final class ObjectRequests {

    private static final Logger log = LoggerFactory.getLogger(ObjectRequests.class);
    private static final String JSON = "application/json";
    private static final int DELETE_BATCH = 1000;

    private final S3Client s3;
    private final S3Location target;
    private final MissingPermissions missingPermissions;
    private final S3CircuitBreaker breaker;
    private final int readResumes;

    /**
     * @param breaker     guards every request against an S3 that is down (shared by the targets of one S3 client)
     * @param readResumes how often one model stream reads its rest again after a connection lost mid-body
     */
    public ObjectRequests(S3Client s3, S3Location target, MissingPermissions missingPermissions, S3CircuitBreaker breaker,
                 int readResumes) {
        this.s3 = s3;
        this.target = target;
        this.missingPermissions = missingPermissions;
        this.breaker = breaker;
        this.readResumes = readResumes;
    }

    /**
     * Makes a request a feature beyond the core policy needs: when S3 denies it, the missing permission is
     * reported (logged once) and {@code fallback} is the answer instead.
     *
     * @param consequence what the service does without the permission, as a sentence
     */
    public <T> T optional(String permission, String consequence, String action, Supplier<T> request, Supplier<T> fallback) {
        try {
            return call(action, request);
        } catch (RuntimeException e) {
            if (!S3Errors.isAccessDenied(e)) {
                throw e;
            }
            missingPermissions.report(permission, target, consequence);
            return fallback.get();
        }
    }

    public MissingPermissions missingPermissions() {
        return missingPermissions;
    }

    public S3Client client() {
        return s3;
    }

    public S3Location target() {
        return target;
    }

    /** A small object's bytes with the ETag they were read at. */
    public record Document(byte[] bytes, String eTag) {
    }

    public Optional<Document> read(String key) {
        return call("reading " + key, () -> {
            try {
                ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(b -> b.bucket(target.bucket()).key(key));
                return Optional.of(new Document(object.asByteArray(), object.response().eTag()));
            } catch (SdkException e) {
                if (S3Errors.isNotFound(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /**
     * The object's head (metadata, storage class, encryption), or empty when there is none: the bare request, for use
     * inside a {@link #call}.
     */
    public Optional<HeadObjectResponse> head(String key) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(target.bucket()).key(key)));
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Opens an object, or its bytes {@code first} to {@code last} when {@code last} is not null. A connection lost
     * mid-body is resumed where it broke ({@link ResumingObjectStream}).
     */
    public Optional<InputStream> open(String key, long first, Long last) {
        String range = last == null ? null : "bytes=" + first + "-" + last;
        return call("reading " + key, () -> {
            try {
                ResponseInputStream<GetObjectResponse> object = s3.getObject(b -> b.bucket(target.bucket()).key(key).range(range));
                return Optional.of(new ResumingObjectStream(key, first, object, readResumes,
                        (rest, eTag) -> call("reading the rest of " + key, () -> s3.getObject(b -> b.bucket(target.bucket())
                                .key(key).range(rest).ifMatch(eTag)))));
            } catch (SdkException e) {
                if (S3Errors.isNotFound(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /**
     * Writes a JSON document only if {@code key} has no object yet ({@code ifMatch} null) or still has the
     * ETag {@code ifMatch}.
     *
     * @throws PreconditionFailedException when another writer got there first
     */
    public String writeDocument(String key, byte[] json, String ifMatch, ObjectSettings settings) {
        return putDocument(key, json, settings, request -> {
            if (ifMatch == null) {
                request.ifNoneMatch("*");
            } else {
                request.ifMatch(ifMatch);
            }
        });
    }

    /** Writes a JSON document whatever is at {@code key}: for documents with a single writer, like aliases. */
    public String replaceDocument(String key, byte[] json, ObjectSettings settings) {
        return putDocument(key, json, settings, request -> { });
    }

    private String putDocument(String key, byte[] json, ObjectSettings settings,
                               java.util.function.Consumer<PutObjectRequest.Builder> condition) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(target.bucket())
                .key(key)
                .contentType(JSON)
                .storageClass(StorageClass.STANDARD)
                .serverSideEncryption(settings.encryption())
                .ssekmsKeyId(settings.kmsKeyId())
                .bucketKeyEnabled(settings.bucketKey());
        condition.accept(request);
        return call("writing " + key, () -> {
            try {
                return s3.putObject(request.build(), RequestBody.fromBytes(json)).eTag();
            } catch (SdkException e) {
                if (S3Errors.isPreconditionFailure(e)) {
                    throw new PreconditionFailedException(key);
                }
                throw e;
            }
        });
    }

    public void delete(String key) {
        call("deleting " + key, () -> s3.deleteObject(b -> b.bucket(target.bucket()).key(key)));
    }

    /** Deletes a key as clean-up after a failure; a second failure is logged, not thrown over the first. */
    public void deleteQuietly(String key) {
        try {
            delete(key);
        } catch (RuntimeException e) {
            log.warn("Could not remove {} after a failed upload: {}", key, e.getMessage());
        }
    }

    public void deleteAll(List<String> keys) {
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
                    .map(key -> ObjectIdentifier.builder().key(key).build())
                    .toList();
            call("deleting " + batch.size() + " objects", () -> s3.deleteObjects(b -> b.bucket(target.bucket())
                    .delete(Delete.builder().objects(batch).quiet(true).build())));
        }
    }

    /** Keys under {@code prefix}, in S3's (ascending) order; with {@code shallow}, not those in sub-folders. */
    public List<String> listKeys(String prefix, boolean shallow) {
        return call("listing " + prefix, () -> {
            List<String> keys = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(target.bucket()).prefix(prefix).delimiter(shallow ? "/" : null))
                    .contents().stream().map(S3Object::key).forEach(keys::add);
            return keys;
        });
    }

    /** The names of the folders directly under {@code prefix}. */
    public List<String> listFolders(String prefix) {
        return call("listing " + prefix, () -> {
            List<String> folders = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(target.bucket()).prefix(prefix).delimiter("/"))
                    .commonPrefixes().stream()
                    .map(CommonPrefix::prefix)
                    .map(folder -> folder.substring(prefix.length(), folder.length() - 1))
                    .forEach(folders::add);
            return folders;
        });
    }

    /** Makes a request through the circuit breaker, turning SDK failures into the service's own. */
    public <T> T call(String action, Supplier<T> request) {
        return breaker.call(() -> {
            try {
                return request.get();
            } catch (SdkException e) {
                throw S3Errors.translate(e, target, action);
            }
        });
    }

    /** Checks the bucket within {@code timeout}, retries included: health probes must not hang on a silent S3. */
    public void checkBucket(Duration timeout) {
        call("checking the bucket", () -> s3.headBucket(b -> b.bucket(target.bucket())
                .overrideConfiguration(o -> o.apiCallTimeout(timeout))));
    }

    public S3CircuitBreaker breaker() {
        return breaker;
    }
}
