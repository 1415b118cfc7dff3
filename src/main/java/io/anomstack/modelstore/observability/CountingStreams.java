package io.anomstack.modelstore.observability;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/** Request and response wrappers that count the body bytes read and written, for the request log. */
final class CountingStreams {

    private CountingStreams() {
    }

    static final class Request extends HttpServletRequestWrapper {

        private final AtomicLong bytes = new AtomicLong();
        private ServletInputStream stream;

        Request(HttpServletRequest request) {
            super(request);
        }

        long bytes() {
            return bytes.get();
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CountingInput(super.getInputStream(), bytes);
            }
            return stream;
        }
    }

    static final class Response extends HttpServletResponseWrapper {

        private final AtomicLong bytes = new AtomicLong();
        private ServletOutputStream stream;

        Response(HttpServletResponse response) {
            super(response);
        }

        long bytes() {
            return bytes.get();
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (stream == null) {
                stream = new CountingOutput(super.getOutputStream(), bytes);
            }
            return stream;
        }
    }

    private static final class CountingInput extends ServletInputStream {

        private final ServletInputStream in;
        private final AtomicLong bytes;

        CountingInput(ServletInputStream in, AtomicLong bytes) {
            this.in = in;
            this.bytes = bytes;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                bytes.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                bytes.addAndGet(n);
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }

    private static final class CountingOutput extends ServletOutputStream {

        private final ServletOutputStream out;
        private final AtomicLong bytes;

        CountingOutput(ServletOutputStream out, AtomicLong bytes) {
            this.out = out;
            this.bytes = bytes;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            bytes.incrementAndGet();
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            out.write(buffer, offset, length);
            bytes.addAndGet(length);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }
    }
}
