package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.UploadInterruptedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a body of unknown length into one S3 object without holding more than one part in memory:
 * a body that fits in one part goes up in a single PUT, a longer one as a multipart upload that is
 * aborted if anything fails before it completes. The object is created only if its key is free.
 */
final class StreamingUploader {

    private static final Logger log = LoggerFactory.getLogger(StreamingUploader.class);

    /** What S3 reported about the object it created. */
    record StoredObject(long storedBytes, String encryption, String kmsKeyId) {
    }

    private final S3Operations operations;

    StreamingUploader(S3Operations operations) {
        this.operations = operations;
    }

    /**
     * @throws PreconditionFailedException when an object already exists at {@code key}
     */
    StoredObject upload(String key, String contentType, InputStream body) {
        S3Target target = operations.target();
        byte[] part = new byte[target.partSize()];
        int length = readPart(body, part);
        if (length < part.length) {
            return putSingle(key, contentType, part, length);
        }
        return putMultipart(key, contentType, body, part);
    }

    private StoredObject putSingle(String key, String contentType, byte[] bytes, int length) {
        S3Target target = operations.target();
        PutObjectResponse response = operations.call("uploading " + key, () -> {
            try {
                return operations.client().putObject(b -> b.bucket(target.bucket())
                                .key(key)
                                .contentType(contentType)
                                .storageClass(target.storageClass())
                                .serverSideEncryption(target.encryption())
                                .ssekmsKeyId(target.kmsKeyId())
                                .ifNoneMatch("*"),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length, contentType));
            } catch (SdkException e) {
                throw preconditionOr(e, key);
            }
        });
        return new StoredObject(length, encryptionOf(response.serverSideEncryption()), response.ssekmsKeyId());
    }

    private StoredObject putMultipart(String key, String contentType, InputStream body, byte[] part) {
        S3Target target = operations.target();
        String uploadId = operations.call("starting the upload of " + key, () -> operations.client()
                .createMultipartUpload(b -> b.bucket(target.bucket())
                        .key(key)
                        .contentType(contentType)
                        .storageClass(target.storageClass())
                        .serverSideEncryption(target.encryption())
                        .ssekmsKeyId(target.kmsKeyId())
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32))
                .uploadId());
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long stored = 0;
            int length = part.length;
            while (length > 0) {
                parts.add(uploadPart(key, uploadId, parts.size() + 1, part, length));
                stored += length;
                length = readPart(body, part);
            }
            CompleteMultipartUploadResponse response = operations.call("completing the upload of " + key, () -> {
                try {
                    return operations.client().completeMultipartUpload(b -> b.bucket(target.bucket())
                            .key(key)
                            .uploadId(uploadId)
                            .ifNoneMatch("*")
                            .multipartUpload(m -> m.parts(parts)));
                } catch (SdkException e) {
                    throw preconditionOr(e, key);
                }
            });
            return new StoredObject(stored, encryptionOf(response.serverSideEncryption()), response.ssekmsKeyId());
        } catch (RuntimeException e) {
            abort(key, uploadId);
            throw e;
        }
    }

    private CompletedPart uploadPart(String key, String uploadId, int number, byte[] part, int length) {
        S3Target target = operations.target();
        UploadPartResponse response = operations.call("uploading part " + number + " of " + key,
                () -> operations.client().uploadPart(b -> b.bucket(target.bucket())
                                .key(key)
                                .uploadId(uploadId)
                                .partNumber(number)
                                .checksumAlgorithm(ChecksumAlgorithm.CRC32),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(part, 0, length), length,
                                "application/octet-stream")));
        return CompletedPart.builder().partNumber(number).eTag(response.eTag()).checksumCRC32(response.checksumCRC32()).build();
    }

    private void abort(String key, String uploadId) {
        try {
            operations.call("aborting the upload of " + key, () -> operations.client()
                    .abortMultipartUpload(b -> b.bucket(operations.target().bucket()).key(key).uploadId(uploadId)));
        } catch (RuntimeException e) {
            log.warn("Could not abort multipart upload {} of {}; the bucket's lifecycle rule for incomplete uploads "
                    + "will remove it: {}", uploadId, key, e.getMessage());
        }
    }

    /** Fills {@code part} from the body; fewer bytes than its size means the body has ended. */
    private static int readPart(InputStream body, byte[] part) {
        try {
            return body.readNBytes(part, 0, part.length);
        } catch (IOException e) {
            throw new UploadInterruptedException(
                    "The upload was interrupted (" + e.getMessage() + "); nothing was stored.", e);
        }
    }

    private static RuntimeException preconditionOr(SdkException e, String key) {
        return S3Errors.isPreconditionFailure(e) ? new PreconditionFailedException(key) : e;
    }

    private static String encryptionOf(ServerSideEncryption encryption) {
        return encryption == null || encryption == ServerSideEncryption.UNKNOWN_TO_SDK_VERSION ? null : encryption.toString();
    }
}
