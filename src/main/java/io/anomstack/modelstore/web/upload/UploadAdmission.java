package io.anomstack.modelstore.web.upload;

import io.anomstack.modelstore.catalog.UploadBudget;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * Admits a REST upload into the instance's {@link UploadBudget}, shared with the S3 API, before its body is read; one
 * that does not fit in what is left is answered 429 with {@code Retry-After}.
 */
@Component
public class UploadAdmission implements MeterBinder {

    private final UploadBudget budget;

    UploadAdmission(UploadBudget budget) {
        this.budget = budget;
    }

    /**
     * Reserves what an upload can hold, to be given back by closing the reservation.
     *
     * @param declaredLength the model body's announced length, or -1 when unknown
     * @throws TooManyUploadsException when the budget cannot take it now
     */
    UploadBudget.Reservation acquire(long declaredLength) {
        return budget.tryReserve(declaredLength).orElseThrow(() ->
                new TooManyUploadsException(budget.heldBy(declaredLength), budget.reserved(), budget.budget()));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("modelstore.uploads.memory.reserved", budget, UploadBudget::reserved).baseUnit("bytes")
                .description("Heap reserved by the uploads being received now").register(registry);
        Gauge.builder("modelstore.uploads.memory.budget", budget, UploadBudget::budget).baseUnit("bytes")
                .description("Heap the uploads of this instance may hold at once").register(registry);
    }
}
