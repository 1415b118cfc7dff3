package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelNotFoundException;
import io.anomstack.modelstore.catalog.StagingArea;
import io.anomstack.modelstore.s3.ObjectRequests;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The staging area on S3: {@code {folder}/{uploadId}/manifest} and {@code {folder}/{uploadId}/{NNNNN}.part} in the
 * service's own bucket, beside (not under) the models' prefix, so that no listing or sweep of models sees them.
 */
final class S3StagingArea implements StagingArea {

    private static final Pattern UPLOAD_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern PART = Pattern.compile(".*/(\\d{5})\\.part");

    private final ObjectRequests operations;
    private final String folder;

    /** @param folder the staging folder, ending in {@code /} */
    S3StagingArea(ObjectRequests operations, String folder) {
        this.operations = operations;
        this.folder = folder;
    }

    /** The staging folder beside a models prefix: {@code models/} stages in {@code models.staging/}. */
    static String folderBeside(String prefix) {
        String base = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return (base.isEmpty() ? "modelstore" : base) + ".staging/";
    }

    @Override
    public void begin(String uploadId, byte[] manifest) {
        String key = uploadFolder(uploadId) + "manifest";
        operations.call("writing " + key, () -> operations.client().putObject(b -> b.bucket(bucket()).key(key)
                .contentType("application/json"), RequestBody.fromBytes(manifest)));
    }

    @Override
    public Optional<byte[]> manifest(String uploadId) {
        if (!UPLOAD_ID.matcher(uploadId).matches()) {
            return Optional.empty();
        }
        return operations.read(uploadFolder(uploadId) + "manifest").map(ObjectRequests.Document::bytes);
    }

    @Override
    public String putPart(String uploadId, int partNumber, InputStream body, long length) {
        String key = partKey(uploadId, partNumber);
        return operations.call("writing " + key, () -> operations.client().putObject(b -> b.bucket(bucket()).key(key)
                .contentLength(length), RequestBody.fromInputStream(body, length))).eTag();
    }

    @Override
    public List<StagedPart> parts(String uploadId) {
        String prefix = uploadFolder(uploadId);
        return operations.call("listing " + prefix, () -> {
            List<StagedPart> parts = new ArrayList<>();
            for (S3Object object : operations.client().listObjectsV2Paginator(b -> b.bucket(bucket()).prefix(prefix)).contents()) {
                Matcher matcher = PART.matcher(object.key());
                if (matcher.matches()) {
                    parts.add(new StagedPart(Integer.parseInt(matcher.group(1)), object.size(), object.eTag()));
                }
            }
            return parts;
        });
    }

    @Override
    public InputStream openPart(String uploadId, int partNumber) {
        String key = partKey(uploadId, partNumber);
        return operations.open(key, 0, null).orElseThrow(() -> new ModelNotFoundException("The staged part " + key
                + " is gone."));
    }

    @Override
    public void discard(String uploadId) {
        operations.deleteAll(operations.listKeys(uploadFolder(uploadId), false));
    }

    /**
     * Discards the uploads whose manifest was written before {@code staleBefore}: a client that neither completed nor
     * aborted them.
     *
     * @return how many it discarded
     */
    int discardBegunBefore(Instant staleBefore) {
        List<String> stale = operations.call("listing " + folder, () -> operations.client()
                .listObjectsV2Paginator(b -> b.bucket(bucket()).prefix(folder)).contents().stream()
                .filter(object -> object.key().endsWith("/manifest") && object.lastModified().isBefore(staleBefore))
                .map(object -> object.key().substring(folder.length(), object.key().length() - "/manifest".length()))
                .filter(id -> UPLOAD_ID.matcher(id).matches())
                .toList());
        stale.forEach(this::discard);
        return stale.size();
    }

    private String partKey(String uploadId, int partNumber) {
        return uploadFolder(uploadId) + String.format("%05d.part", partNumber);
    }

    private String uploadFolder(String uploadId) {
        if (!UPLOAD_ID.matcher(uploadId).matches()) {
            throw new IllegalArgumentException("An upload id is 32 hex digits, not '" + uploadId + "'.");
        }
        return folder + uploadId + "/";
    }

    private String bucket() {
        return operations.target().bucket();
    }
}
