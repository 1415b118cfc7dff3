package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import io.anomstack.modelstore.catalog.VersionId;
import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.ObjectSettings;
import io.anomstack.modelstore.s3.PreconditionFailedException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Issues a model's version ids for every replica on one bucket. One small object per model ({@code _sequence.json})
 * holds the last id issued; issuing one moves it forward by a conditional write ({@code If-Match} on the ETag just
 * read, {@code If-None-Match: *} for the first). S3 applies conditional writes atomically and reads consistently after
 * writes, so no two uploads get one id, and an upload that starts after another was acknowledged gets a greater id,
 * whatever the replicas' clocks say. A clash costs a re-read and one more small write, before any model byte moves.
 */
final class VersionSequence {

    private static final int ATTEMPTS = 100;
    private static final long MAX_BACKOFF_MILLIS = 50;

    /** The document: the last id issued, and a token naming the upload that issued it. */
    record Issued(String version, String token) {
    }

    private final ObjectRequests operations;
    private final S3KeyLayout layout;
    private final JsonMapper mapper;
    private final ObjectSettings.PerBatch settings;
    private final Clock clock;
    private final ModelLocks locks = new ModelLocks();

    VersionSequence(ObjectRequests operations, S3KeyLayout layout, JsonMapper mapper, ObjectSettings.PerBatch settings,
                    Clock clock) {
        this.operations = operations;
        this.layout = layout;
        this.mapper = mapper;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * The id of a new version of {@code model}: this clock's second, or the next id after the last one issued.
     *
     * @param newestStored the newest version stored, asked only while the model has no sequence yet (its versions
     *                     were stored before sequences existed, or it has none)
     * @throws StoreUnavailableException when other writers kept issuing ids faster than this one could
     */
    VersionId issue(ModelRef model, Supplier<@Nullable VersionId> newestStored) {
        String key = layout.sequenceKey(model);
        synchronized (locks.of(model)) {
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                Optional<ObjectRequests.Document> current = operations.read(key);
                VersionId last = current.map(doc -> VersionId.parse(read(doc).version())).orElseGet(newestStored);
                VersionId next = VersionId.following(last, clock.instant());
                Issued issued = new Issued(next.value(), UUID.randomUUID().toString());
                if (write(key, model, issued, current.map(ObjectRequests.Document::eTag).orElse(null))) {
                    return next;
                }
                backOff(attempt);
            }
        }
        throw new StoreUnavailableException("Other uploads of " + model + " kept taking version ids; nothing was "
                + "stored. Retry the upload.", null);
    }

    /**
     * @return whether {@code issued} is now the last id issued: written, or found there after S3 refused the SDK's
     *         retry of a write whose answer was lost
     */
    private boolean write(String key, ModelRef model, Issued issued, @Nullable String eTag) {
        try {
            operations.writeDocument(key, mapper.writeValueAsBytes(issued), eTag, settings.forBatch(model.batch()));
            return true;
        } catch (PreconditionFailedException e) {
            return operations.read(key).map(doc -> issued.token().equals(read(doc).token())).orElse(false);
        }
    }

    private Issued read(ObjectRequests.Document document) {
        return mapper.readValue(document.bytes(), Issued.class);
    }

    /** A little random wait, growing with the attempts, so that replicas that clashed do not clash again in step. */
    private static void backOff(int attempt) {
        long millis = ThreadLocalRandom.current().nextLong(Math.min(MAX_BACKOFF_MILLIS, 2L * attempt) + 1);
        LockSupport.parkNanos(millis * 1_000_000);
    }
}
