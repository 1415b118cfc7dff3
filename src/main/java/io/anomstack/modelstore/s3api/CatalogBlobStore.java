package io.anomstack.modelstore.s3api;

import com.google.common.io.ByteStreams;
import io.anomstack.modelstore.catalog.InvalidNameException;
import io.anomstack.modelstore.catalog.ModelContent;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.catalog.ModelUpload;
import io.anomstack.modelstore.catalog.VersionId;
import io.anomstack.modelstore.security.Role;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningRequest;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The bucket S3Proxy serves, as one caller sees it: keys are models ({@link ModelKeys}), objects their latest versions,
 * S3 versions the catalog's versions. Reads, writes and deletes go to the same {@link
 * io.anomstack.modelstore.catalog.ModelCatalog} the REST API uses, bodies streamed both ways.
 */
final class CatalogBlobStore implements BlobStore {

    private static final String OCTET_STREAM = "application/octet-stream";

    private final S3Models models;
    private final S3Caller caller;
    private final ObjectListings listings;
    private final MultipartUploads multipart;

    CatalogBlobStore(S3Models models, S3Caller caller) {
        this.models = models;
        this.caller = caller;
        this.listings = new ObjectListings(models, caller);
        this.multipart = new MultipartUploads(models, caller);
    }

    @Override
    public ListBucketsResponse list() {
        return ListBucketsResponse.builder()
                .buckets(Bucket.builder().name(models.bucket()).creationDate(Instant.EPOCH).build())
                .build();
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        return caller.timed("ListObjectsV2", () -> listings.list(request));
    }

    @Override
    public ListObjectVersionsResponse listVersions(ListObjectVersionsRequest request) {
        return caller.timed("ListObjectVersions", () -> listings.versions(request));
    }

    @Override
    public HeadBucketResponse headBucket(HeadBucketRequest request) {
        models.requireBucket(request.bucket());
        return HeadBucketResponse.builder().build();
    }

    @Override
    public CreateBucketResponse createContainer(CreateBucketRequest request) {
        if (models.bucket().equals(request.bucket())) {
            throw S3Answers.error(409, "BucketAlreadyOwnedByYou", "The bucket '" + request.bucket() + "' exists.");
        }
        throw S3Answers.accessDenied("This endpoint serves the one bucket '" + models.bucket() + "'.");
    }

    @Override
    public BucketCannedACL getContainerAccess(String container) {
        models.requireBucket(container);
        return BucketCannedACL.PRIVATE;
    }

    @Override
    public void setContainerAccess(String container, BucketCannedACL access) {
        throw S3Answers.notImplemented("Access to models is given by S3 keys' roles, not by ACLs.");
    }

    @Override
    public void deleteBucket(String container) {
        throw S3Answers.notImplemented("The bucket of the S3 API cannot be deleted.");
    }

    @Override
    public boolean supportsVersioning() {
        return true;
    }

    @Override
    public GetBucketVersioningResponse getBucketVersioning(GetBucketVersioningRequest request) {
        models.requireBucket(request.bucket());
        caller.require(Role.READER, null);
        return GetBucketVersioningResponse.builder().status(BucketVersioningStatus.ENABLED).build();
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream payload) {
        models.requireBucket(request.bucket());
        return caller.audited("PutObject", request.key(), () -> {
            ModelKeys.ModelKey named = parseForWrite(request.key());
            caller.require(Role.WRITER, named.model().batch());
            Md5Stream body = new Md5Stream(payload);
            ModelUpload upload = new ModelUpload(named.model(), fileName(request.key()),
                    request.contentType() == null ? OCTET_STREAM : request.contentType(), request.contentLength(), body,
                    null, () -> {
                        body.check(request.contentMD5());
                        return S3Models.metadataFor(body.hex(), request.metadata());
                    }, null);
            ModelDescriptor stored = models.upload(upload, request.key());
            return PutObjectResponse.builder().eTag(S3Models.eTagOf(stored)).versionId(stored.version()).build();
        }, PutObjectResponse::versionId);
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        return caller.timed("HeadObject", () -> head(request));
    }

    private HeadObjectResponse head(HeadObjectRequest request) {
        models.requireBucket(request.bucket());
        ModelDescriptor version = read(request.key(), request.versionId());
        return HeadObjectResponse.builder()
                .contentLength(version.sizeBytes())
                .contentType(version.contentType())
                .eTag(S3Models.eTagOf(version))
                .lastModified(version.createdAt())
                .versionId(version.version())
                .acceptRanges("bytes")
                .storageClass(StorageClass.STANDARD)
                .metadata(S3Models.userMetadataOf(version))
                .build();
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        return caller.timed("GetObject", () -> get(request));
    }

    private ResponseInputStream<GetObjectResponse> get(GetObjectRequest request) {
        models.requireBucket(request.bucket());
        ModelDescriptor version = read(request.key(), request.versionId());
        String eTag = S3Models.eTagOf(version);
        checkConditions(request, version, eTag);
        long size = version.sizeBytes();
        long[] range = request.range() == null ? null : ByteRanges.resolve(request.range(), size);
        GetObjectResponse.Builder response = GetObjectResponse.builder()
                .contentType(version.contentType())
                .eTag(eTag)
                .lastModified(version.createdAt())
                .versionId(version.version())
                .acceptRanges("bytes")
                .storageClass(StorageClass.STANDARD)
                .metadata(S3Models.userMetadataOf(version));
        if (range == null) {
            response.contentLength(size);
        } else {
            response.contentLength(range[1] - range[0] + 1).contentRange("bytes " + range[0] + "-" + range[1] + "/" + size);
        }
        InputStream body = open(version, range, request.key());
        return new ResponseInputStream<>(response.build(), AbortableInputStream.create(body));
    }

    private ModelDescriptor read(String key, String versionId) {
        ModelKeys.ModelKey named;
        try {
            named = models.keys().parse(key);
        } catch (ModelKeys.InvalidKeyException e) {
            throw S3Answers.noSuchKey(key);
        }
        caller.require(Role.READER, named.model().batch());
        try {
            return models.resolve(key, named, versionId);
        } catch (RuntimeException e) {
            throw CatalogErrors.translate(e, key);
        }
    }

    private static void checkConditions(GetObjectRequest request, ModelDescriptor version, String eTag) {
        Instant modified = version.createdAt().truncatedTo(ChronoUnit.SECONDS);
        if (request.ifMatch() != null && !matches(request.ifMatch(), eTag)) {
            throw S3Answers.preconditionFailed(eTag);
        }
        if (request.ifUnmodifiedSince() != null && modified.isAfter(request.ifUnmodifiedSince())) {
            throw S3Answers.preconditionFailed(eTag);
        }
        if (request.ifNoneMatch() != null && matches(request.ifNoneMatch(), eTag)) {
            throw S3Answers.preconditionFailed(eTag);
        }
        if (request.ifNoneMatch() == null && request.ifModifiedSince() != null
                && !modified.isAfter(request.ifModifiedSince())) {
            throw S3Answers.preconditionFailed(eTag);
        }
    }

    private static boolean matches(String condition, String eTag) {
        for (String candidate : condition.split(",")) {
            String trimmed = candidate.trim();
            if (trimmed.equals("*") || trimmed.equals(eTag) || ("\"" + trimmed + "\"").equals(eTag)) {
                return true;
            }
        }
        return false;
    }

    private InputStream open(ModelDescriptor version, long[] range, String key) {
        try {
            if (range == null) {
                return models.catalog().openOriginal(version).body();
            }
            if (ModelEncoding.fromToken(version.contentEncoding()) == ModelEncoding.IDENTITY) {
                return models.catalog().openRange(version, range[0], range[1]).body();
            }
            ModelContent content = models.catalog().openOriginal(version);
            content.body().skipNBytes(range[0]);
            return ByteStreams.limit(content.body(), range[1] - range[0] + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw CatalogErrors.translate(e, key);
        }
    }

    /**
     * Deletes a version ({@code versionId}, admin only). Without one S3 would lay a delete marker over the model and
     * hide it; this endpoint never hides a model, so that request is refused with NotImplemented.
     */
    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        models.requireBucket(request.bucket());
        return caller.audited("DeleteObject", request.key(), () -> {
            ModelKeys.ModelKey named = parseForWrite(request.key());
            caller.require(Role.ADMIN, named.model().batch());
            if (request.versionId() == null) {
                throw S3Answers.notImplemented("A delete without versionId would hide the model behind a delete marker, "
                        + "which this endpoint never does: delete one version with ?versionId= (admin), or through the "
                        + "REST API.");
            }
            VersionId version;
            try {
                version = VersionId.parse(request.versionId());
            } catch (InvalidNameException e) {
                throw S3Answers.invalidArgument("Invalid version id specified: " + e.getMessage());
            }
            try {
                models.catalog().deleteVersion(named.model(), version);
            } catch (RuntimeException e) {
                RuntimeException translated = CatalogErrors.translate(e, request.key());
                throw translated instanceof software.amazon.awssdk.services.s3.model.NoSuchKeyException
                        ? S3Answers.noSuchVersion(request.versionId()) : translated;
            }
            return DeleteObjectResponse.builder().versionId(version.value()).build();
        }, DeleteObjectResponse::versionId);
    }

    private ModelKeys.ModelKey parseForWrite(String key) {
        try {
            return models.keys().parse(key);
        } catch (ModelKeys.InvalidKeyException e) {
            throw S3Answers.invalidArgument(e.getMessage() + " See docs/s3-api.md.");
        }
    }

    static String fileName(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        throw S3Answers.notImplemented("CopyObject is not supported: upload the model again, or roll back through the "
                + "REST API.");
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String name) {
        models.requireBucket(container);
        return ObjectCannedACL.PRIVATE;
    }

    @Override
    public void setBlobAccess(String container, String name, ObjectCannedACL access) {
        throw S3Answers.notImplemented("Access to models is given by S3 keys' roles, not by ACLs.");
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        return multipart.initiate(request);
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request, InputStream body) {
        return multipart.uploadPart(upload, request, body);
    }

    @Override
    public List<Part> listMultipartUpload(MultipartUpload upload) {
        return multipart.parts(upload);
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
                                                                   CompleteMultipartUploadRequest request) {
        return multipart.complete(upload, request);
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
        multipart.abort(upload);
    }

    @Override
    public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(String container) {
        models.requireBucket(container);
        return List.of();
    }

    @Override
    public long getMinimumMultipartPartSize() {
        return MultipartUploads.MIN_PART_SIZE;
    }
}
