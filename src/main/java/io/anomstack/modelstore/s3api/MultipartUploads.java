package io.anomstack.modelstore.s3api;

import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelUpload;
import io.anomstack.modelstore.catalog.StagingArea;
import io.anomstack.modelstore.security.Role;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Multipart uploads: each part waits in the {@link StagingArea} as an object of its own; completion streams the parts
 * in order through the catalog's upload (one new version, as a single PUT would make), then discards them.
 */
final class MultipartUploads {

    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    private static final int MAX_PART_NUMBER = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final S3Models models;
    private final S3Caller caller;

    MultipartUploads(S3Models models, S3Caller caller) {
        this.models = models;
        this.caller = caller;
    }

    MultipartUpload initiate(CreateMultipartUploadRequest request) {
        models.requireBucket(request.bucket());
        return caller.audited("CreateMultipartUpload", request.key(), () -> {
            ModelKeys.ModelKey named = parse(request.key());
            caller.require(Role.WRITER, named.model().batch());
            byte[] id = new byte[16];
            RANDOM.nextBytes(id);
            String uploadId = HexFormat.of().formatHex(id);
            String contentType = request.contentType() == null ? "application/octet-stream" : request.contentType();
            staged(() -> {
                models.staging().begin(uploadId, (request.key() + "\n" + contentType).getBytes(StandardCharsets.UTF_8));
                return null;
            }, request.key());
            return new MultipartUpload(uploadId, request);
        }, upload -> null);
    }

    UploadPartResponse uploadPart(MultipartUpload upload, UploadPartRequest request, InputStream body) {
        begun(upload, Role.WRITER);
        int number = request.partNumber();
        if (number < 1 || number > MAX_PART_NUMBER) {
            throw S3Answers.invalidArgument("Part number must be an integer between 1 and " + MAX_PART_NUMBER + ".");
        }
        Md5Stream digesting = new Md5Stream(body);
        String eTag = staged(() -> models.staging().putPart(upload.id(), number, digesting, request.contentLength()),
                upload.blobName());
        digesting.check(request.contentMD5());
        return UploadPartResponse.builder().eTag(eTag).build();
    }

    List<Part> parts(MultipartUpload upload) {
        begun(upload, Role.WRITER);
        return staged(() -> models.staging().parts(upload.id()), upload.blobName()).stream()
                .map(part -> Part.builder().partNumber(part.number()).size(part.size()).eTag(part.eTag()).build())
                .toList();
    }

    CompleteMultipartUploadResponse complete(MultipartUpload upload, CompleteMultipartUploadRequest request) {
        models.requireBucket(upload.containerName());
        return caller.audited("CompleteMultipartUpload", upload.blobName(), () -> {
            ModelKeys.ModelKey named = begun(upload, Role.WRITER);
            String contentType = manifest(upload)[1];
            List<CompletedPart> chosen = request.multipartUpload().parts();
            Map<Integer, StagingArea.StagedPart> staged = staged(() -> models.staging().parts(upload.id()), upload.blobName())
                    .stream().collect(Collectors.toMap(StagingArea.StagedPart::number, Function.identity()));
            long length = 0;
            for (CompletedPart part : chosen) {
                StagingArea.StagedPart stored = staged.get(part.partNumber());
                if (stored == null) {
                    throw S3Answers.error(400, "InvalidPart", "Part " + part.partNumber() + " was not uploaded.");
                }
                length += stored.size();
            }
            String eTag = multipartETag(chosen);
            ModelUpload model = new ModelUpload(named.model(), CatalogBlobStore.fileName(upload.blobName()), contentType,
                    length, new SequenceInputStream(partsInOrder(upload.id(), chosen)), null,
                    () -> S3Models.metadataFor(eTag, upload.request().metadata()), null);
            ModelDescriptor stored = models.upload(model, upload.blobName());
            staged(() -> {
                models.staging().discard(upload.id());
                return null;
            }, upload.blobName());
            return CompleteMultipartUploadResponse.builder().bucket(models.bucket()).key(upload.blobName())
                    .eTag(S3Models.eTagOf(stored)).versionId(stored.version()).build();
        }, CompleteMultipartUploadResponse::versionId);
    }

    void abort(MultipartUpload upload) {
        models.requireBucket(upload.containerName());
        caller.audited("AbortMultipartUpload", upload.blobName(), () -> {
            begun(upload, Role.WRITER);
            return staged(() -> {
                models.staging().discard(upload.id());
                return upload.id();
            }, upload.blobName());
        }, id -> null);
    }

    /** Opens each part only when the one before it has been read. */
    private Enumeration<InputStream> partsInOrder(String uploadId, List<CompletedPart> parts) {
        Iterator<CompletedPart> next = parts.iterator();
        return new Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return next.hasNext();
            }

            @Override
            public InputStream nextElement() {
                if (!next.hasNext()) {
                    throw new NoSuchElementException();
                }
                int number = next.next().partNumber();
                return models.staging().openPart(uploadId, number);
            }
        };
    }

    /** S3's multipart ETag: the MD5 of the parts' MD5s, then {@code -} and the number of parts. */
    static String multipartETag(List<CompletedPart> parts) {
        MessageDigest md5 = Md5Stream.newMd5();
        for (CompletedPart part : parts) {
            String eTag = part.eTag() == null ? "" : part.eTag().replace("\"", "");
            md5.update(eTag.matches("[0-9a-fA-F]{32}") ? HexFormat.of().parseHex(eTag) : eTag.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md5.digest()) + "-" + parts.size();
    }

    /** The key of an upload that was begun for this key and not yet completed or aborted, after the caller's check. */
    private ModelKeys.ModelKey begun(MultipartUpload upload, Role role) {
        models.requireBucket(upload.containerName());
        ModelKeys.ModelKey named = parse(upload.blobName());
        caller.require(role, named.model().batch());
        manifest(upload);
        return named;
    }

    private String[] manifest(MultipartUpload upload) {
        if (!upload.id().matches("[0-9a-f]{32}")) {
            throw S3Answers.noSuchUpload();
        }
        String[] manifest = staged(() -> models.staging().manifest(upload.id()), upload.blobName())
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8).split("\n", 2))
                .orElseThrow(S3Answers::noSuchUpload);
        if (!manifest[0].equals(upload.blobName())) {
            throw S3Answers.noSuchUpload();
        }
        return manifest;
    }

    private ModelKeys.ModelKey parse(String key) {
        try {
            return models.keys().parse(key);
        } catch (ModelKeys.InvalidKeyException e) {
            throw S3Answers.invalidArgument(e.getMessage() + " See docs/s3-api.md.");
        }
    }

    private static <T> T staged(java.util.function.Supplier<T> request, String key) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw CatalogErrors.translate(e, key);
        }
    }
}
