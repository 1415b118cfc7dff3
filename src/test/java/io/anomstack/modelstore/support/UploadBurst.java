package io.anomstack.modelstore.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Large uploads whose headers all reach the service before any of their bodies, so that admission decides every one
 * of them first: an upload answered while its body is still unsent was refused before a byte of it was read; the
 * others then send their generated bodies (a declared Content-Length or chunked) and read their answers.
 */
public final class UploadBurst {

    /** How long an upload waits for an answer before it sends its body: admission answers at once. */
    private static final int EARLY_ANSWER_MILLIS = 5_000;
    private static final int CHUNK = 64 * 1024;

    /** One upload's answer: status, headers (lower-case names), and whether it came before the body was sent. */
    public record Outcome(int status, Map<String, String> headers, boolean beforeBody) {
    }

    private UploadBurst() {
    }

    /**
     * Sends {@code uploads} POSTs to {@code /api/v1/models/{batch}/m{i}} at once, every other one chunked, each body
     * {@code bodyBytes} of incompressible bytes.
     */
    public static List<Outcome> run(int port, String batch, int uploads, long bodyBytes) throws Exception {
        CountDownLatch headersSent = new CountDownLatch(uploads);
        ExecutorService clients = Executors.newFixedThreadPool(uploads);
        try {
            List<Future<Outcome>> answers = new ArrayList<>();
            for (int i = 0; i < uploads; i++) {
                int index = i;
                answers.add(clients.submit(() -> upload(port, "/api/v1/models/" + batch + "/m" + index, index % 2 == 1,
                        bodyBytes, index, headersSent)));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> answer : answers) {
                outcomes.add(answer.get(2, TimeUnit.MINUTES));
            }
            return outcomes;
        } finally {
            clients.shutdownNow();
        }
    }

    private static Outcome upload(int port, String path, boolean chunked, long bodyBytes, long seed,
                                  CountDownLatch headersSent) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            String framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + bodyBytes;
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                    + framing + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            headersSent.countDown();
            headersSent.await();
            socket.setSoTimeout(EARLY_ANSWER_MILLIS);
            InputStream in = socket.getInputStream();
            try {
                return read(in, true);
            } catch (SocketTimeoutException admitted) {
                // Nothing yet: the service is waiting for the body.
            }
            socket.setSoTimeout(120_000);
            sendBody(out, new GeneratedBody(bodyBytes, seed, false), chunked);
            return read(in, false);
        }
    }

    private static void sendBody(OutputStream out, InputStream body, boolean chunked) throws IOException {
        byte[] buffer = new byte[CHUNK];
        int n;
        while ((n = body.read(buffer)) > 0) {
            if (chunked) {
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write(buffer, 0, n);
            if (chunked) {
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        if (chunked) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    /** Reads a status line and headers (the body is not needed), skipping any 100 Continue. */
    private static Outcome read(InputStream in, boolean beforeBody) throws IOException {
        while (true) {
            List<String> lines = new ArrayList<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                lines.add(line);
            }
            if (lines.isEmpty() || !lines.get(0).startsWith("HTTP/1.1 ")) {
                throw new UncheckedIOException(new IOException("no HTTP answer: " + lines));
            }
            int status = Integer.parseInt(lines.get(0).substring(9, 12));
            if (status == 100) {
                continue;
            }
            Map<String, String> headers = new TreeMap<>();
            for (String header : lines.subList(1, lines.size())) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
            return new Outcome(status, headers, beforeBody);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                break;
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
