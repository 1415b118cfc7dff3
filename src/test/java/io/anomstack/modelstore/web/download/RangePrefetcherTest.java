package io.anomstack.modelstore.web.download;

import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.ModelContent;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class RangePrefetcherTest {

    private final ModelCatalog catalog = mock(ModelCatalog.class);
    private final RangePrefetcher prefetcher = new RangePrefetcher(catalog);

    @AfterEach
    void close() {
        prefetcher.close();
    }

    @Test
    void readsTheStoredBytesInOrderFromRanges() throws Exception {
        byte[] stored = new byte[5 * RangePrefetcher.RANGE_BYTES / 2 + 12345];
        new Random(7).nextBytes(stored);
        ModelDescriptor version = descriptor(stored.length);
        servesRanges(version, stored);

        try (InputStream in = prefetcher.open(version)) {
            assertThat(in.readAllBytes()).isEqualTo(stored);
        }
    }

    @Test
    void aCopyWritesEachRangeStraightFromItsBuffer() throws Exception {
        byte[] stored = new byte[2 * RangePrefetcher.RANGE_BYTES + 12345];
        new Random(8).nextBytes(stored);
        ModelDescriptor version = descriptor(stored.length);
        servesRanges(version, stored);
        StreamsTest.Writes out = new StreamsTest.Writes();

        try (InputStream in = prefetcher.open(version)) {
            assertThat(in.read()).isEqualTo(stored[0] & 0xff);
            assertThat(Streams.copy(in, out)).isEqualTo(stored.length - 1);
        }
        assertThat(out.lengths).containsExactly(RangePrefetcher.RANGE_BYTES - 1, RangePrefetcher.RANGE_BYTES, 12345);
        assertThat(out.toByteArray()).isEqualTo(Arrays.copyOfRange(stored, 1, stored.length));
    }

    @Test
    void smallModelsAreNotReadInRanges() {
        assertThat(prefetcher.open(descriptor(RangePrefetcher.MIN_BYTES - 1))).isNull();
    }

    @Test
    void aDownloadThatFindsNoFreeBufferIsNotReadInRanges() throws Exception {
        ModelDescriptor version = descriptor(4L * RangePrefetcher.RANGE_BYTES);
        servesRanges(version, new byte[4 * RangePrefetcher.RANGE_BYTES]);

        try (InputStream first = prefetcher.open(version); InputStream second = prefetcher.open(version)) {
            assertThat(first).isNotNull();
            assertThat(second).isNotNull();
            assertThat(prefetcher.open(version)).isNull();
        }
        try (InputStream again = prefetcher.open(version)) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void aFailedRangeFailsTheRead() {
        ModelDescriptor version = descriptor(3L * RangePrefetcher.RANGE_BYTES);
        when(catalog.openRange(eq(version), anyLong(), anyLong()))
                .thenThrow(new StoreUnavailableException("S3 could not be reached", null));

        assertThatThrownBy(() -> {
            try (InputStream in = prefetcher.open(version)) {
                in.readAllBytes();
            }
        }).isInstanceOf(StoreUnavailableException.class);
    }

    private void servesRanges(ModelDescriptor version, byte[] stored) {
        when(catalog.openRange(eq(version), anyLong(), anyLong())).thenAnswer(call -> {
            long first = call.getArgument(1);
            long last = call.getArgument(2);
            return new ModelContent(version, new ByteArrayInputStream(stored, (int) first, (int) (last - first + 1)));
        });
    }

    private static ModelDescriptor descriptor(long storedBytes) {
        return new ModelDescriptor("my_batch", "cpu_usage", null, "20250131_235959", Instant.parse("2025-01-31T23:59:59Z"),
                storedBytes, storedBytes, "0".repeat(64), "application/octet-stream", "identity", "STANDARD", null, "bucket",
                "models/my_batch/cpu_usage/model_20250131_235959.pkl", Map.of(), null);
    }
}
