package io.anomstack.modelstore.web.upload;

import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.UploadBudget;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * Runs one upload from request to stored version, in order: its share of the upload memory from {@link UploadAdmission}
 * (before anything of the request is read), the request's {@code Idempotency-Key} ({@link IdempotencyKeys}: a retry
 * gets the version its first attempt stored), then the request read by {@link UploadRequestReader} and stored by the
 * catalog while {@link UploadDrain} tracks it for the shutdown. Whatever happens, the key and the memory are given back.
 */
@Component
public class ModelUploads {

    private final UploadAdmission admission;
    private final IdempotencyKeys idempotencyKeys;
    private final UploadRequestReader reader;
    private final UploadDrain drain;
    private final ModelCatalog catalog;

    ModelUploads(UploadAdmission admission, IdempotencyKeys idempotencyKeys, UploadRequestReader reader,
                 UploadDrain drain, ModelCatalog catalog) {
        this.admission = admission;
        this.idempotencyKeys = idempotencyKeys;
        this.reader = reader;
        this.drain = drain;
        this.catalog = catalog;
    }

    /**
     * Stores the request's model as a new version of {@code model}, or answers with the version an earlier upload with
     * the request's Idempotency-Key stored.
     *
     * @throws TooManyUploadsException when the upload memory of this instance cannot take this upload now
     * @throws ShuttingDownException   when the shutdown's grace period ended before the upload did
     */
    public Outcome upload(HttpServletRequest request, ModelRef model) {
        try (UploadBudget.Reservation reservation = admission.acquire(UploadRequestReader.declaredLength(request))) {
            String key = idempotencyKeys.claim(request, model);
            try {
                Optional<ModelDescriptor> earlier = idempotencyKeys.storedEarlier(request, model, key);
                if (earlier.isPresent()) {
                    return new Outcome(earlier.get(), true);
                }
                return new Outcome(receive(request, model, key), false);
            } finally {
                idempotencyKeys.release(model, key);
            }
        }
    }

    /** Reads the request and stores it, its body stopped should the shutdown's grace period end first. */
    private ModelDescriptor receive(HttpServletRequest request, ModelRef model, @Nullable String key) {
        UploadDrain.Receiving receiving = drain.begin();
        try {
            return catalog.upload(reader.read(request, model, key, receiving::body));
        } catch (RuntimeException e) {
            throw receiving.failure(e);
        } finally {
            receiving.end();
        }
    }

    /** The version an upload answers with, and whether an earlier attempt with its Idempotency-Key stored it. */
    public record Outcome(ModelDescriptor version, boolean replayed) {
    }
}
