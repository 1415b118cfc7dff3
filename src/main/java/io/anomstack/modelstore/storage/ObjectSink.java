package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.ObjectSettings;
import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.PreconditionFailedException;
import io.anomstack.modelstore.s3.S3Errors;
import io.anomstack.modelstore.s3.S3Location;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

/**
 * An output stream into one new S3 object. Bytes are cut into parts of a fixed size; while the next part
 * fills, up to {@code maxInFlight} earlier parts upload in parallel. Memory is bounded by
 * {@code partSize × (maxInFlight + 1)} whatever the object's size: part buffers come from {@link PartBuffers} and go
 * back there as soon as their part is sent. A small object (its expected size at most a quarter of a part,
 * {@link UploadFootprint#isSmall}) is held in an array of its own size instead, so that many concurrent uploads of small
 * models hold kilobytes, not parts. An object that fits in one part goes up in a single PUT. Either way it is created
 * only if its key is free, and only by {@link #finish()}: until then nothing is visible, and {@link #abort()} leaves no
 * multipart upload behind.
 * <p>
 * Each object carries a random token in its user metadata ({@value #TOKEN}): when S3 created the object but its
 * answer was lost, the token tells this sink's own object apart from another writer's.
 * <p>
 * The socket's read timeout bounds S3's silence once a part is sent, but nothing bounds a write S3 stops taking (a hung
 * S3 whose socket buffers are full): the thread sending that part would wait forever. So the writer never waits for
 * parts blindly: a part whose bytes S3 has taken none of for the silence bound fails the upload (503), and the
 * abandoned part's thread is left to its connection. A part whose bytes keep moving, however slowly, is never cut.
 */
final class ObjectSink extends OutputStream {

    private static final Logger log = LoggerFactory.getLogger(ObjectSink.class);

    /** The user-metadata key of the token naming the upload that created an object. */
    static final String TOKEN = "modelstore-upload";

    /** How often a writer waiting for parts checks that they still move. */
    private static final long STALL_CHECK_MILLIS = 500;

    /** What S3 reported about the object it created. */
    record StoredObject(long storedBytes, String encryption, String kmsKeyId, Boolean bucketKey) {
    }

    private final ObjectRequests operations;
    private final String key;
    private final String contentType;
    private final String contentEncoding;
    private final ObjectSettings settings;
    private final int partSize;
    private final long expectedBytes;
    private final Executor uploads;
    private final Semaphore inFlight;
    private final PartBuffers buffers;
    private final WritesInProgress active;
    private final Duration silence;
    private final List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
    /** The bodies of the parts being sent, by part number. */
    private final Map<Integer, PartBody> sending = new ConcurrentHashMap<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final String token = UUID.randomUUID().toString();

    /** The part being filled; null until the next byte arrives. */
    private byte[] buffer;
    private int filled;
    private long written;
    private String uploadId;
    private boolean closed;

    /**
     * @param contentEncoding the object's Content-Encoding, or {@code null} for none
     * @param settings        the batch's storage class and encryption
     * @param expectedBytes   how many bytes the object is expected to have (a hint: it may have more), or -1
     * @param silence         how long a part may take none of its bytes before the upload fails: the silence bound
     */
    ObjectSink(ObjectRequests operations, String key, String contentType, String contentEncoding, ObjectSettings settings,
               int partSize, long expectedBytes, int maxInFlight, PartBuffers buffers, WritesInProgress active,
               Executor uploads, Duration silence) {
        this.operations = operations;
        this.key = key;
        this.contentType = contentType;
        this.contentEncoding = contentEncoding;
        this.settings = settings;
        this.partSize = partSize;
        this.expectedBytes = expectedBytes;
        this.uploads = uploads;
        this.inFlight = new Semaphore(maxInFlight);
        this.buffers = buffers;
        this.active = active;
        this.silence = silence;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        checkOpen();
        while (length > 0) {
            if (filled == partSize) {
                sendPart();
            }
            if (buffer == null) {
                buffer = newBuffer();
            } else if (filled == buffer.length) {
                buffer = intoPartBuffer(buffer);
            }
            int n = Math.min(length, buffer.length - filled);
            System.arraycopy(bytes, offset, buffer, filled, n);
            filled += n;
            written += n;
            offset += n;
            length -= n;
        }
    }

    /** Bytes written so far: the stored size of the object once finished. */
    long written() {
        return written;
    }

    /**
     * Uploads what is left and creates the object.
     *
     * @throws PreconditionFailedException when an object already exists at the key
     */
    StoredObject finish() {
        checkOpen();
        closed = true;
        if (uploadId == null) {
            // On a part thread, so that a PUT S3 stops taking bytes of can be given up (see the class comment); its
            // buffer goes back only when that thread is done with it.
            byte[] bytes = buffer == null ? new byte[0] : buffer;
            int length = filled;
            buffer = null;
            return await(CompletableFuture.supplyAsync(() -> {
                try {
                    return putSingle(bytes, length);
                } finally {
                    sending.remove(1);
                    recycle(bytes);
                }
            }, uploads));
        }
        if (filled > 0) {
            sendPart();
        }
        List<CompletedPart> completed = awaitParts();
        S3Location target = operations.target();
        StoredObject stored = operations.call("completing the upload of " + key, () -> {
            try {
                CompleteMultipartUploadResponse response = operations.client().completeMultipartUpload(b -> b
                        .bucket(target.bucket())
                        .key(key)
                        .uploadId(uploadId)
                        .ifNoneMatch("*")
                        .multipartUpload(m -> m.parts(completed)));
                return stored(response.serverSideEncryption(), response.ssekmsKeyId(), response.bucketKeyEnabled());
            } catch (SdkException e) {
                return ownObjectAfter(e);
            }
        });
        active.ended(uploadId);
        uploadId = null;
        return stored;
    }

    /** Gives up: waits for parts in flight (but not for stalled ones) and aborts the multipart upload. Never throws. */
    void abort() {
        closed = true;
        releaseBuffer();
        if (uploadId == null) {
            return;
        }
        for (CompletableFuture<CompletedPart> part : parts) {
            try {
                await(part);
            } catch (RuntimeException ignored) {
                // The upload is being abandoned: its parts' failures (or stalls) no longer matter.
            }
        }
        String abandoned = uploadId;
        uploadId = null;
        try {
            operations.optional("s3:AbortMultipartUpload", "The parts of failed uploads stay in the bucket as incomplete "
                            + "multipart uploads (never visible as versions) until a lifecycle rule for incomplete uploads "
                            + "removes them.", "aborting the upload of " + key,
                    () -> operations.client().abortMultipartUpload(b -> b.bucket(operations.target().bucket())
                            .key(key).uploadId(abandoned)),
                    () -> null);
        } catch (RuntimeException e) {
            log.warn("Could not abort multipart upload {} of {}; the stale-upload sweep (or the bucket's lifecycle rule "
                    + "for incomplete uploads) will remove it: {}", abandoned, key, e.getMessage());
        } finally {
            active.ended(abandoned);
        }
    }

    /** Not a commit: an unfinished sink is abandoned by {@link #abort()}, not by closing it. */
    @Override
    public void close() {
        // Closing happens in finish() or abort(); encoders that close their target must not commit it.
    }

    private void sendPart() {
        if (uploadId == null) {
            uploadId = createUpload();
            active.started(uploadId);
        }
        byte[] full = buffer;
        int length = filled;
        int number = parts.size() + 1;
        acquireSlot();
        parts.add(CompletableFuture.supplyAsync(() -> {
            try {
                return uploadPart(number, full, length);
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
                throw e;
            } finally {
                sending.remove(number);
                recycle(full);
                inFlight.release();
            }
        }, uploads));
        buffer = null;
        filled = 0;
    }

    /** The first part of an object expected to be small is an array of the expected size; every other, a part buffer. */
    private byte[] newBuffer() {
        if (uploadId == null && UploadFootprint.isSmall(expectedBytes, partSize)) {
            return new byte[(int) expectedBytes];
        }
        return buffers.take(partSize);
    }

    /** More bytes came than expected: they go on in a part buffer. */
    private byte[] intoPartBuffer(byte[] small) {
        byte[] part = buffers.take(partSize);
        System.arraycopy(small, 0, part, 0, filled);
        return part;
    }

    private void recycle(byte[] used) {
        if (used.length == partSize) {
            buffers.give(used);
        }
    }

    private void releaseBuffer() {
        if (buffer != null) {
            recycle(buffer);
            buffer = null;
        }
    }

    private void acquireSlot() {
        try {
            while (!inFlight.tryAcquire(STALL_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                checkNotStalled();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("Interrupted while uploading " + key, e);
        }
        RuntimeException failed = failure.get();
        if (failed != null) {
            inFlight.release();
            throw failed;
        }
    }

    private String createUpload() {
        S3Location target = operations.target();
        return operations.call("starting the upload of " + key, () -> operations.client()
                .createMultipartUpload(b -> b.bucket(target.bucket())
                        .key(key)
                        .contentType(contentType)
                        .contentEncoding(contentEncoding)
                        .storageClass(settings.storageClass())
                        .serverSideEncryption(settings.encryption())
                        .ssekmsKeyId(settings.kmsKeyId())
                        .bucketKeyEnabled(settings.bucketKey())
                        .metadata(Map.of(TOKEN, token))
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32))
                .uploadId());
    }

    private CompletedPart uploadPart(int number, byte[] part, int length) {
        S3Location target = operations.target();
        UploadPartResponse response = operations.call("uploading part " + number + " of " + key,
                () -> operations.client().uploadPart(b -> b.bucket(target.bucket())
                                .key(key)
                                .uploadId(uploadId)
                                .partNumber(number)
                                .checksumCRC32(crc32(part, length)),
                        RequestBody.fromContentProvider(() -> sending.compute(number, (n, previous) -> new PartBody(part, length)),
                                length, "application/octet-stream")));
        return CompletedPart.builder().partNumber(number).eTag(response.eTag()).checksumCRC32(response.checksumCRC32()).build();
    }

    private List<CompletedPart> awaitParts() {
        return parts.stream().map(this::await)
                .sorted(Comparator.comparingInt(CompletedPart::partNumber))
                .toList();
    }

    /** A request's outcome on a part thread, unless a part stalls first (then a 503). */
    private <T> T await(CompletableFuture<T> part) {
        try {
            while (true) {
                try {
                    return part.get(STALL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    checkNotStalled();
                }
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new CompletionException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("Interrupted while uploading " + key, e);
        }
    }

    /** Fails the upload when S3 has taken no byte of a part for the silence bound; it counts as S3 timing out. */
    private void checkNotStalled() {
        sending.forEach((number, body) -> {
            if (body.idleFor() > silence.toNanos()) {
                operations.call("uploading part " + number + " of " + key, () -> {
                    throw SdkClientException.create("Sending the part stalled", new SocketTimeoutException(
                            "S3 took no byte of the part for " + silence.toSeconds() + "s"));
                });
            }
        });
    }

    private StoredObject putSingle(byte[] bytes, int length) {
        S3Location target = operations.target();
        return operations.call("uploading " + key, () -> {
            try {
                PutObjectResponse response = operations.client().putObject(b -> b.bucket(target.bucket())
                                .key(key)
                                .contentType(contentType)
                                .contentEncoding(contentEncoding)
                                .storageClass(settings.storageClass())
                                .serverSideEncryption(settings.encryption())
                                .ssekmsKeyId(settings.kmsKeyId())
                                .bucketKeyEnabled(settings.bucketKey())
                                .metadata(Map.of(TOKEN, token))
                                .checksumCRC32(crc32(bytes, length))
                                .ifNoneMatch("*"),
                        RequestBody.fromContentProvider(() -> sending.compute(1, (n, previous) -> new PartBody(bytes, length)),
                                length, contentType));
                return stored(response.serverSideEncryption(), response.ssekmsKeyId(), response.bucketKeyEnabled());
            } catch (SdkException e) {
                return ownObjectAfter(e);
            }
        });
    }

    /**
     * The object this sink created although the request that created it failed; otherwise the failure. S3 may have
     * carried out a write whose answer was lost: the SDK's retry is then refused (the key is taken, or the multipart
     * upload is gone), or a truncated answer is not retried at all. After a timeout S3 is not asked: it stayed silent,
     * and asking would hold the upload for another silence bound; an object it may have created is named by no
     * metadata document, so it is never a version and the sweep removes it.
     *
     * @throws PreconditionFailedException when another writer's object is at the key
     */
    private StoredObject ownObjectAfter(SdkException e) {
        boolean precondition = S3Errors.isPreconditionFailure(e);
        if (!precondition && (S3Errors.isTimeout(e) || !S3Errors.isNotFound(e) && e instanceof S3Exception)) {
            throw e;
        }
        return ownObject().orElseThrow(() -> precondition ? new PreconditionFailedException(key) : e);
    }

    /** The object at the key if this sink created it (see {@link #TOKEN}), as S3 describes it now. */
    private Optional<StoredObject> ownObject() {
        Optional<HeadObjectResponse> own = operations.head(key).filter(head -> token.equals(head.metadata().get(TOKEN)));
        own.ifPresent(head -> log.info("S3 had created {} although its answer was lost; the upload goes on with it", key));
        return own.map(head -> stored(head.serverSideEncryption(), head.ssekmsKeyId(), head.bucketKeyEnabled()));
    }

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("The upload of " + key + " is already finished");
        }
    }

    /**
     * The CRC32 S3 checks a part or object against, computed here from the bytes in memory and sent as a header: left
     * to the SDK, it goes in a trailer after an aws-chunked body, which costs a copy of every byte in small chunks.
     */
    private static String crc32(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(Integer.BYTES).putInt((int) crc.getValue()).array());
    }

    /** The object of all the bytes written, with the encryption S3 reported for it. */
    private StoredObject stored(ServerSideEncryption encryption, String kmsKeyId, Boolean bucketKey) {
        boolean reported = encryption != null && encryption != ServerSideEncryption.UNKNOWN_TO_SDK_VERSION;
        return new StoredObject(written, reported ? encryption.toString() : null, kmsKeyId, bucketKey);
    }

    /** A part's bytes as the SDK reads them to send them: a write S3 does not take stops the reads. */
    private static final class PartBody extends ByteArrayInputStream {

        /** When the SDK last read bytes to send, or 0 before its first read (connecting, awaiting 100 Continue). */
        private volatile long lastRead;

        PartBody(byte[] bytes, int length) {
            super(bytes, 0, length);
        }

        @Override
        public synchronized int read() {
            lastRead = System.nanoTime();
            return super.read();
        }

        @Override
        public synchronized int read(byte[] into, int offset, int length) {
            lastRead = System.nanoTime();
            return super.read(into, offset, length);
        }

        /**
         * Nanoseconds since the last read while bytes are left; 0 before the first read (the connect timeout bounds that)
         * and once all were read (then the read timeout bounds the wait for S3's answer).
         */
        synchronized long idleFor() {
            return lastRead != 0 && pos < count ? System.nanoTime() - lastRead : 0;
        }
    }
}
