package io.anomstack.modelstore.catalog;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VersionIdTest {

    @Test
    void isTheUtcSecondAsYyyymmddUnderscoreHhmmss() {
        assertThat(VersionId.of(Instant.parse("2025-01-31T23:59:59Z"), 0)).hasToString("20250131_235959");
        assertThat(VersionId.of(Instant.parse("2025-02-01T00:00:00Z"), 0).value()).isEqualTo("20250201_000000");
    }

    @Test
    void furtherVersionsOfTheSameSecondCarryATwoDigitCounter() {
        Instant second = Instant.parse("2025-01-31T23:59:59Z");

        assertThat(VersionId.of(second, 1)).hasToString("20250131_235959_01");
        assertThat(VersionId.of(second, 42)).hasToString("20250131_235959_42");
        assertThat(VersionId.of(second, 99)).hasToString("20250131_235959_99");
    }

    @Test
    void knowsItsSecondAndCounter() {
        VersionId first = VersionId.parse("20250131_235959");
        VersionId third = VersionId.parse("20250131_235959_02");

        assertThat(first.second()).isEqualTo(Instant.parse("2025-01-31T23:59:59Z"));
        assertThat(first.counter()).isZero();
        assertThat(third.second()).isEqualTo(Instant.parse("2025-01-31T23:59:59Z"));
        assertThat(third.counter()).isEqualTo(2);
    }

    @Test
    void parsesWhatItFormats() {
        VersionId id = VersionId.of(Instant.parse("2024-02-29T12:34:56Z"), 7);

        assertThat(VersionId.parse(id.value())).isEqualTo(id);
        assertThat(VersionId.parse(id.value()).second()).isEqualTo(Instant.parse("2024-02-29T12:34:56Z"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"20250131", "20250131235959", "20250131-235959", "2025013_235959", "20250131_235959_1",
            "20250131_235959_001", "20250131_235959_", "latest", "../20250131_235959", "20250131_235959.json",
            " 20250131_235959", "２０２５０１３１_235959", "20251399_999999", "20250230_120000", "20250131_246000"})
    void rejectsAnythingElseAsAnInvalidVersion(String value) {
        assertThatThrownBy(() -> VersionId.parse(value))
                .isInstanceOfSatisfying(InvalidNameException.class, e -> assertThat(e.kind()).isEqualTo("version"))
                .hasMessageContaining("must look like 20250131_235959 or 20250131_235959_01");
    }

    @Test
    void sortsByTimeAsStrings() {
        List<VersionId> chronological = List.of(
                VersionId.parse("20241231_235959"),
                VersionId.parse("20241231_235959_01"),
                VersionId.parse("20241231_235959_99"),
                VersionId.parse("20250101_000000"),
                VersionId.parse("20250101_000000_01"),
                VersionId.parse("20250101_000001"));

        List<VersionId> shuffled = new ArrayList<>(chronological);
        java.util.Collections.shuffle(shuffled, new java.util.Random(7));

        assertThat(shuffled.stream().sorted().toList()).isEqualTo(chronological);
        assertThat(chronological.stream().map(VersionId::value).sorted().toList())
                .isEqualTo(chronological.stream().map(VersionId::value).toList());
    }

    @Test
    void sortsByTimeAsS3KeysWhereTheExtensionFollowsTheId() {
        // S3 lists keys in UTF-8 byte order: '.' (0x2E) sorts before '_' (0x5F), so X.json comes before X_01.json.
        List<String> ids = List.of("20250131_235959", "20250131_235959_01", "20250131_235959_02", "20250131_235959_99",
                "20250201_000000");

        for (String file : List.of("metadata_%s.json", "model_%s.pkl", "model_%s.joblib")) {
            List<String> keys = ids.stream().map(id -> "models/b/m/" + file.formatted(id)).toList();
            assertThat(keys.stream().sorted().toList()).as(file).isEqualTo(keys);
        }
    }

    @Test
    void metadataKeysOfTheSameSecondStayTogetherAndInOrder() {
        List<String> keys = Stream.of("20250131_235959_01", "20250131_235959", "20250131_235958_99")
                .map(id -> "metadata_" + id + ".json").sorted().toList();

        assertThat(keys).containsExactly("metadata_20250131_235958_99.json", "metadata_20250131_235959.json",
                "metadata_20250131_235959_01.json");
    }

    @Nested
    class Following {

        private static final Instant NOON = Instant.parse("2025-01-31T12:00:00.250Z");

        @Test
        void theFirstIdIsTheCurrentUtcSecond() {
            assertThat(VersionId.following(null, NOON)).hasToString("20250131_120000");
        }

        @Test
        void anOlderLastIdGivesWayToTheCurrentSecond() {
            assertThat(VersionId.following(VersionId.parse("20250131_115959_07"), NOON)).hasToString("20250131_120000");
        }

        @Test
        void furtherIdsInTheSameSecondCountUp() {
            VersionId first = VersionId.following(null, NOON);
            VersionId second = VersionId.following(first, NOON.plusMillis(100));

            assertThat(second).hasToString("20250131_120000_01");
            assertThat(VersionId.following(second, NOON.plusMillis(200))).hasToString("20250131_120000_02");
        }

        @Test
        void afterTheNinetyNinthIdOfASecondItBorrowsTheNextSecond() {
            VersionId borrowed = VersionId.following(VersionId.parse("20250131_120000_99"), NOON);

            assertThat(borrowed).hasToString("20250131_120001");
            assertThat(VersionId.following(borrowed, NOON.plusSeconds(1))).hasToString("20250131_120001_01");
            assertThat(VersionId.following(borrowed, NOON.plusSeconds(2))).hasToString("20250131_120002");
        }

        @Test
        void aClockBehindTheLastIdNeverYieldsAnOlderOrEqualId() {
            VersionId last = VersionId.parse("20250131_120030_04");

            assertThat(VersionId.following(last, NOON)).hasToString("20250131_120030_05");
            assertThat(VersionId.following(last, NOON.minus(Duration.ofDays(400)))).hasToString("20250131_120030_05");
        }

        @Test
        void idsOnlyEverIncreaseWhateverTheClockDoes() {
            Random random = new Random(42);
            VersionId previous = null;
            for (int i = 0; i < 2_000; i++) {
                VersionId id = VersionId.following(previous, NOON.plusMillis(random.nextInt(20_000) - 10_000));
                if (previous != null) {
                    assertThat(id).isGreaterThan(previous);
                    assertThat(id.value()).isGreaterThan(previous.value());
                }
                previous = id;
            }
        }
    }
}
