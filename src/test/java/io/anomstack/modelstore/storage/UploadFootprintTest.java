package io.anomstack.modelstore.storage;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What one upload holds, by the rule ObjectSink buffers with, and the budget's default. */
class UploadFootprintTest {

    private static final int PART = 8 << 20;
    private static final long BUFFERS = StreamingUploader.COPY_BUFFER + UploadFootprint.ENCODER_BYTES;

    private final UploadFootprint footprint = new UploadFootprint(PART, new UploadProperties(4, "zstd", 1, DataSize.ofMegabytes(100)));

    @Test
    void aSmallAnnouncedBodyHoldsAboutItsLength() {
        assertThat(footprint.heldBy(20_000)).isEqualTo(3 * 20_000 + BUFFERS);
        assertThat(footprint.heldBy(0)).isEqualTo(BUFFERS);
        long quarter = PART / 4;
        assertThat(footprint.heldBy(quarter)).isEqualTo(quarter + 2L * StreamingUploader.SAMPLE_BYTES + BUFFERS);
    }

    @Test
    void largerUnknownOrChunkedBodiesHoldPartsInFlightPlusOne() {
        long parts = 5L * PART + 2L * StreamingUploader.SAMPLE_BYTES + BUFFERS;
        assertThat(footprint.heldBy(PART / 4 + 1)).isEqualTo(parts);
        assertThat(footprint.heldBy(-1)).isEqualTo(parts);
        assertThat(footprint.heldBy(5L << 30)).isEqualTo(parts);
    }

    @Test
    void smallIsAQuarterOfAPartAtMost() {
        assertThat(UploadFootprint.isSmall(PART / 4, PART)).isTrue();
        assertThat(UploadFootprint.isSmall(PART / 4 + 1, PART)).isFalse();
        assertThat(UploadFootprint.isSmall(-1, PART)).isFalse();
    }

    @Test
    void theBudgetIsTheOneSetOrHalfTheHeap() {
        assertThat(footprint.budget()).isEqualTo(100L << 20);
        long half = Runtime.getRuntime().maxMemory() / 100 * 50;
        assertThat(new UploadFootprint(PART, new UploadProperties(4, "zstd", 1, null)).budget()).isEqualTo(half);
        assertThatThrownBy(() -> new UploadProperties(4, "zstd", 1, DataSize.ofBytes(0)))
                .hasMessageContaining("MODELSTORE_UPLOAD_MEMORY_BUDGET");
    }
}
