package io.anomstack.modelstore.web.download;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamsTest {

    /** Records the length of every write. */
    static final class Writes extends ByteArrayOutputStream {

        final List<Integer> lengths = new ArrayList<>();

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            lengths.add(len);
            super.write(b, off, len);
        }
    }

    @Test
    void aModelHeldInMemoryGoesOutInOneWrite() throws Exception {
        byte[] model = new byte[100_000];
        model[99_999] = 7;
        Writes out = new Writes();
        assertThat(Streams.copy(new ByteArrayInputStream(model, 10, 99_990), out)).isEqualTo(99_990);
        assertThat(out.lengths).containsExactly(99_990);
        assertThat(out.toByteArray()[99_989]).isEqualTo((byte) 7);
    }

    @Test
    void aStreamGoesOutInLargeBlocks() throws Exception {
        byte[] model = new byte[600_000];
        Writes out = new Writes();
        assertThat(Streams.copy(new FilterInputStream(new ByteArrayInputStream(model)) { }, out)).isEqualTo(600_000);
        assertThat(out.lengths).containsExactly(Streams.COPY_BUFFER, Streams.COPY_BUFFER, 600_000 - 2 * Streams.COPY_BUFFER);
    }
}
