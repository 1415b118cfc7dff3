package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.ObjectSettings;
import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.catalog.DigestMismatchException;
import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.catalog.UploadInterruptedException;
import org.jspecify.annotations.Nullable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Streams one model body into a new S3 object: it reads the body once, hashes it, compresses it when that
 * pays, and hands it to an {@link ObjectSink} that uploads parts in parallel. The object is created only
 * when the whole body arrived with the announced digest and was admitted (the pickle check); otherwise the upload is
 * aborted.
 */
final class StreamingUploader {

    /** Enough of the body to tell compressible from incompressible input (already compressed, random). */
    static final int SAMPLE_BYTES = 256 * 1024;
    /** Compressing must save at least this share of the sample to be worth the CPU on every download. */
    static final double MIN_SAVING = 0.05;

    static final int COPY_BUFFER = 64 * 1024;

    /** The created object and how it is encoded. */
    record Result(ObjectSink.StoredObject object, ModelEncoding encoding) {
    }

    private final ObjectRequests operations;
    private final UploadProperties settings;
    private final Executor partUploads;
    private final PartBuffers partBuffers;
    private final WritesInProgress active;
    private final Duration silence;

    /** @param silence the silence bound: how long S3 may take no byte of a part before the upload fails */
    StreamingUploader(ObjectRequests operations, UploadProperties settings, WritesInProgress active, Executor partUploads,
                      Duration silence) {
        this.operations = operations;
        this.silence = silence;
        this.active = active;
        this.settings = settings;
        this.partUploads = partUploads;
        this.partBuffers = new PartBuffers(settings.partsInFlight() + 1);
    }

    /**
     * @param expectedSha256 the digest the client announced, if any
     * @param objectSettings the batch's storage class, encryption and compression
     * @param admit          called once the whole body was read, before the object is created: throws to refuse it
     * @throws PreconditionFailedException when an object already exists at {@code key}
     */
    Result upload(String key, String contentType, MeasuredInputStream body, @Nullable String expectedSha256,
                  ObjectSettings objectSettings, Consumer<MeasuredInputStream> admit) {
        byte[] sample = read(body, SAMPLE_BYTES);
        ModelEncoding encoding = worthCompressing(sample, objectSettings.compression())
                ? objectSettings.compression() : ModelEncoding.IDENTITY;
        ObjectSink sink = new ObjectSink(operations, key, contentType, encoding.contentEncodingHeader(), objectSettings,
                operations.target().partSize(), body.expectedBytes(), settings.partsInFlight(), partBuffers, active,
                partUploads, silence);
        try {
            try (OutputStream encoded = encoding.encoder(sink, settings.compressionLevel())) {
                encoded.write(sample);
                copy(body, encoded);
            }
            if (expectedSha256 != null && !expectedSha256.equals(body.sha256Hex())) {
                throw new DigestMismatchException(expectedSha256, body.sha256Hex());
            }
            admit.accept(body);
            return new Result(sink.finish(), encoding);
        } catch (IOException e) {
            sink.abort();
            throw new UploadInterruptedException("The upload could not be stored (" + e.getMessage() + "); nothing was stored.", e);
        } catch (RuntimeException e) {
            sink.abort();
            throw e;
        }
    }

    private boolean worthCompressing(byte[] sample, ModelEncoding compression) {
        if (compression == ModelEncoding.IDENTITY || sample.length == 0) {
            return false;
        }
        ByteArrayOutputStream trial = new ByteArrayOutputStream(sample.length);
        try (OutputStream out = compression.encoder(trial, settings.compressionLevel())) {
            out.write(sample);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return trial.size() <= sample.length * (1 - MIN_SAVING);
    }

    private static byte[] read(MeasuredInputStream body, int bytes) {
        try {
            return body.readNBytes(bytes);
        } catch (IOException e) {
            throw new UploadInterruptedException("The upload was interrupted (" + e.getMessage() + "); nothing was stored.", e);
        }
    }

    private static void copy(MeasuredInputStream body, OutputStream out) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        int n;
        while ((n = body.read(buffer, 0, buffer.length)) >= 0) {
            out.write(buffer, 0, n);
        }
    }
}
