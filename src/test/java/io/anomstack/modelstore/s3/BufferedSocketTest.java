package io.anomstack.modelstore.s3;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BufferedSocketTest {

    /** A socket whose streams record the calls they get. */
    private static final class RecordingSocket extends Socket {

        final List<Integer> writes = new ArrayList<>();
        int flushes;
        int reads;
        final byte[] incoming = new byte[100_000];

        @Override
        public OutputStream getOutputStream() {
            return new ByteArrayOutputStream() {
                @Override
                public synchronized void write(byte[] b, int off, int len) {
                    writes.add(len);
                }

                @Override
                public void flush() {
                    flushes++;
                }
            };
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(incoming) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    reads++;
                    return super.read(b, off, len);
                }
            };
        }
    }

    @Test
    void gathersSmallWritesIntoWholeBuffersAndSendsTheRestOnFlush() throws Exception {
        RecordingSocket socket = new RecordingSocket();
        OutputStream out = new BufferedSocket(socket, 0, 32 * 1024).getOutputStream();
        byte[] piece = new byte[4096];
        for (int i = 0; i < 9; i++) {
            out.write(piece);
        }
        assertThat(socket.writes).containsExactly(32 * 1024);
        out.flush();
        assertThat(socket.writes).containsExactly(32 * 1024, 4096);
        assertThat(socket.flushes).isEqualTo(1);
    }

    @Test
    void readsWhatTheSocketHoldsAtOnce() throws Exception {
        RecordingSocket socket = new RecordingSocket();
        InputStream in = new BufferedSocket(socket, 32 * 1024, 0).getInputStream();
        byte[] header = new byte[5];
        byte[] body = new byte[16 * 1024];
        in.readNBytes(header, 0, header.length);
        in.readNBytes(body, 0, body.length);
        assertThat(socket.reads).as("a TLS record's header and body from one read").isEqualTo(1);
    }

    @Test
    void passesEverythingElseToTheSocket() throws Exception {
        RecordingSocket socket = new RecordingSocket();
        BufferedSocket buffered = new BufferedSocket(socket, 0, 0);
        buffered.setSoTimeout(1234);
        assertThat(socket.getSoTimeout()).isEqualTo(1234);
        assertThat(buffered.getOutputStream()).as("no buffer asked for").isNotInstanceOf(java.io.BufferedOutputStream.class);
        buffered.close();
        assertThat(socket.isClosed()).isTrue();
    }
}
