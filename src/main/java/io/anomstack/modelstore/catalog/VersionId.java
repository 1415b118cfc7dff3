package io.anomstack.modelstore.catalog;

import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * A model version id: the UTC second of the upload, {@code YYYYMMDD_HHMMSS}, with a zero-padded counter
 * ({@code _01} … {@code _99}) for further versions of the same model in the same second.
 * Ids sort by time both as strings and as S3 keys ({@code .} sorts before {@code _}).
 */
public record VersionId(String value) implements Comparable<VersionId> {

    static final int MAX_COUNTER = 99;

    private static final Pattern FORMAT = Pattern.compile("\\d{8}_\\d{6}(_\\d{2})?");

    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("uuuuMMdd_HHmmss")
            .withResolverStyle(ResolverStyle.STRICT)
            .withZone(ZoneOffset.UTC);

    public VersionId {
        if (value == null || !FORMAT.matcher(value).matches() || !isRealSecond(value.substring(0, 15))) {
            throw new InvalidNameException("version", value, "must look like 20250131_235959 or 20250131_235959_01");
        }
    }

    private static boolean isRealSecond(String second) {
        try {
            SECOND.parse(second);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    public static VersionId parse(String value) {
        return new VersionId(value);
    }

    /**
     * The id for a version created at {@code now} after {@code last}: {@code now}'s second, unless {@code last} is not
     * older, then the next id after it (the counter, or past {@code _99} the next second), so that ids never go backwards
     * whatever the clock does.
     */
    public static VersionId following(@Nullable VersionId last, Instant now) {
        VersionId candidate = of(now.truncatedTo(ChronoUnit.SECONDS), 0);
        if (last == null || candidate.compareTo(last) > 0) {
            return candidate;
        }
        if (last.counter() < MAX_COUNTER) {
            return of(last.second(), last.counter() + 1);
        }
        return of(last.second().plusSeconds(1), 0);
    }

    static VersionId of(Instant second, int counter) {
        String base = SECOND.format(second);
        return new VersionId(counter == 0 ? base : base + String.format("_%02d", counter));
    }

    /** The UTC second the version was created in. */
    public Instant second() {
        return LocalDateTime.parse(value.substring(0, 15), SECOND).toInstant(ZoneOffset.UTC);
    }

    /** The same-second counter: 0 for the first version of a second. */
    public int counter() {
        return value.length() == 15 ? 0 : Integer.parseInt(value.substring(16));
    }

    @Override
    public int compareTo(VersionId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
