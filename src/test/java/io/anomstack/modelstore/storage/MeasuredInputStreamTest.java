package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelTooLargeException;
import io.anomstack.modelstore.catalog.UploadInterruptedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The model body is counted, hashed and limited while it streams through, whichever way it is read. */
class MeasuredInputStreamTest {

    private static final long NO_LIMIT = Long.MAX_VALUE;
    private static final long UNKNOWN = -1;

    private static final byte[] MODEL = bytes(100_003);

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static MeasuredInputStream measure(byte[] body, long maxBytes, long expectedBytes) {
        return new MeasuredInputStream(new ByteArrayInputStream(body), maxBytes, expectedBytes);
    }

    @Test
    void countsAndHashesReadsOfSingleBytes() throws Exception {
        MeasuredInputStream in = measure(MODEL, NO_LIMIT, MODEL.length);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();

        for (int b = in.read(); b >= 0; b = in.read()) {
            copy.write(b);
        }

        assertThat(copy.toByteArray()).isEqualTo(MODEL);
        assertThat(in.count()).isEqualTo(MODEL.length);
        assertThat(in.sha256Hex()).isEqualTo(sha256(MODEL));
    }

    @Test
    void singleByteReadsReturnUnsignedValues() throws Exception {
        MeasuredInputStream in = measure(new byte[]{(byte) 0xff, 0x00, (byte) 0x80}, NO_LIMIT, 3);

        assertThat(in.read()).isEqualTo(255);
        assertThat(in.read()).isEqualTo(0);
        assertThat(in.read()).isEqualTo(128);
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void countsAndHashesReadAllBytes() throws Exception {
        MeasuredInputStream in = measure(MODEL, NO_LIMIT, MODEL.length);

        assertThat(in.readAllBytes()).isEqualTo(MODEL);
        assertThat(in.count()).isEqualTo(MODEL.length);
        assertThat(in.sha256Hex()).isEqualTo(sha256(MODEL));
    }

    @Test
    void countsAndHashesReadNBytesInChunks() throws Exception {
        MeasuredInputStream in = measure(MODEL, NO_LIMIT, MODEL.length);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();

        for (byte[] chunk = in.readNBytes(7_919); chunk.length > 0; chunk = in.readNBytes(7_919)) {
            copy.write(chunk);
        }

        assertThat(copy.toByteArray()).isEqualTo(MODEL);
        assertThat(in.count()).isEqualTo(MODEL.length);
        assertThat(in.sha256Hex()).isEqualTo(sha256(MODEL));
    }

    @Test
    void countsAndHashesReadsIntoOffsetsOfABuffer() throws Exception {
        MeasuredInputStream in = measure(MODEL, NO_LIMIT, UNKNOWN);
        byte[] buffer = new byte[MODEL.length + 20];
        int filled = 10;
        Random sizes = new Random(1);

        for (int n = 0; n >= 0 && filled < 10 + MODEL.length; filled += Math.max(n, 0)) {
            n = in.read(buffer, filled, Math.min(1 + sizes.nextInt(5_000), buffer.length - filled));
        }

        assertThat(java.util.Arrays.copyOfRange(buffer, 10, 10 + MODEL.length)).isEqualTo(MODEL);
        assertThat(in.read(buffer, 0, 10)).isEqualTo(-1);
        assertThat(in.count()).isEqualTo(MODEL.length);
        assertThat(in.sha256Hex()).isEqualTo(sha256(MODEL));
    }

    @Test
    void countsAndHashesTransferTo() throws Exception {
        MeasuredInputStream in = measure(MODEL, NO_LIMIT, MODEL.length);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();

        in.transferTo(copy);

        assertThat(copy.toByteArray()).isEqualTo(MODEL);
        assertThat(in.count()).isEqualTo(MODEL.length);
        assertThat(in.sha256Hex()).isEqualTo(sha256(MODEL));
    }

    @Test
    void hashesAnEmptyBody() throws Exception {
        MeasuredInputStream in = measure(new byte[0], NO_LIMIT, 0);

        assertThat(in.readAllBytes()).isEmpty();
        assertThat(in.count()).isZero();
        assertThat(in.sha256Hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void acceptsABodyOfExactlyTheLimit() throws Exception {
        MeasuredInputStream in = measure(MODEL, MODEL.length, UNKNOWN);

        assertThat(in.readAllBytes()).isEqualTo(MODEL);
    }

    @Test
    void aBodyBeyondTheLimitIsTooLarge() {
        MeasuredInputStream in = measure(MODEL, MODEL.length - 1, UNKNOWN);

        assertThatThrownBy(in::readAllBytes)
                .isInstanceOf(ModelTooLargeException.class)
                .hasMessageContaining(String.valueOf(MODEL.length - 1))
                .hasMessageContaining("modelstore.max-model-size");
    }

    @Test
    void aBodyBeyondTheLimitIsTooLargeEvenReadByteByByte() throws Exception {
        MeasuredInputStream in = measure(new byte[]{1, 2, 3}, 2, UNKNOWN);

        in.read();
        in.read();
        assertThatThrownBy(in::read).isInstanceOf(ModelTooLargeException.class);
    }

    @Test
    void aBodyBeyondTheLimitIsTooLargeWhenItsAnnouncedLengthIsLargerStill() {
        MeasuredInputStream in = measure(MODEL, 1_000, MODEL.length);

        assertThatThrownBy(() -> in.transferTo(OutputStream.nullOutputStream())).isInstanceOf(ModelTooLargeException.class);
    }

    @Test
    void aBodyEndingBeforeItsAnnouncedLengthWasInterrupted() {
        MeasuredInputStream in = measure(MODEL, NO_LIMIT, MODEL.length + 1);

        assertThatThrownBy(in::readAllBytes)
                .isInstanceOf(UploadInterruptedException.class)
                .hasMessageContaining("after " + MODEL.length + " of the " + (MODEL.length + 1) + " bytes")
                .hasMessageContaining("nothing was stored");
    }

    @Test
    void aBodyEndingBeforeItsAnnouncedLengthWasInterruptedWhenReadByteByByte() throws Exception {
        MeasuredInputStream in = measure(new byte[]{1, 2}, NO_LIMIT, 3);

        in.read();
        in.read();
        assertThatThrownBy(in::read).isInstanceOf(UploadInterruptedException.class);
    }

    @Test
    void aBodyOfUnknownLengthEndsWheneverItEnds() throws Exception {
        MeasuredInputStream in = measure(MODEL, NO_LIMIT, UNKNOWN);

        assertThat(in.readAllBytes()).isEqualTo(MODEL);
        assertThat(in.read()).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(classes = {IOException.class, SocketTimeoutException.class, java.io.EOFException.class})
    void aFailingSourceMeansTheUploadWasInterrupted(Class<? extends IOException> failure) throws Exception {
        IOException cause = failure.getDeclaredConstructor(String.class).newInstance("client went away");
        InputStream source = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent == 10) {
                    throw cause;
                }
                sent++;
                return 'x';
            }
        };
        MeasuredInputStream in = new MeasuredInputStream(source, NO_LIMIT, 1_000);

        assertThatThrownBy(in::readAllBytes)
                .isInstanceOf(UploadInterruptedException.class)
                .hasCause(cause)
                .hasMessageContaining("interrupted after 10 bytes")
                .hasMessageContaining("client went away");
    }

    @Test
    void cannotSkipPartsOfTheModel() {
        MeasuredInputStream in = measure(MODEL, NO_LIMIT, UNKNOWN);

        assertThatThrownBy(() -> in.skip(10)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(in.markSupported()).isFalse();
    }
}
