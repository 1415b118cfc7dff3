package io.anomstack.modelstore.catalog;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues version ids that are unique per model within this process and never go backwards, even when
 * many uploads of one model start in the same second or the clock steps back. Uniqueness across
 * several service instances is enforced by conditional writes in storage.
 */
public class VersionIdGenerator {

    private final Clock clock;
    private final ConcurrentHashMap<ModelRef, VersionId> lastIssued = new ConcurrentHashMap<>();

    public VersionIdGenerator(Clock clock) {
        this.clock = clock;
    }

    public VersionId next(ModelRef model) {
        return lastIssued.compute(model, (ref, last) -> following(last));
    }

    private VersionId following(VersionId last) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        VersionId candidate = VersionId.of(now, 0);
        if (last == null || candidate.compareTo(last) > 0) {
            return candidate;
        }
        if (last.counter() < VersionId.MAX_COUNTER) {
            return VersionId.of(last.second(), last.counter() + 1);
        }
        // A hundred versions in one second: borrow the next second rather than break the id format.
        return VersionId.of(last.second().plusSeconds(1), 0);
    }
}
