package io.anomstack.modelstore.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * An HTTP/1.1 proxy between the service and an S3 server that injects the faults S3 and the network between produce:
 * throttling and error answers with S3's XML error documents, latency, connections cut in the middle of a request or
 * a response body, answers that never come, and refused connections (S3 down). Rules pick the faults: each applies
 * to the requests it matches, with a probability drawn from a seeded random source, and can be changed while the
 * proxy runs. It counts the requests it saw and each fault it injected.
 */
public final class FaultInjectingProxy implements AutoCloseable {

    public enum Fault {
        /** 503 SlowDown: S3's throttling answer, which the SDK retries with its throttling backoff. */
        SLOW_DOWN,
        /** 500 InternalError. */
        INTERNAL_ERROR,
        /** The rule's delay before the request goes on to S3. */
        LATENCY,
        /** The connection closes after half the request body (or before the answer when there is none). */
        CUT_REQUEST,
        /**
         * The request reaches S3, then the answer's head and half its body reach the client and the connection closes;
         * an answer without a body is lost whole.
         */
        CUT_RESPONSE,
        /** No answer ever comes: the request hangs until the client gives up (a silent, hanging S3). */
        STALL
    }

    /** What a rule can look at: the request line and headers (names in lower case). */
    public record Request(String method, String path, String query, Map<String, String> headers) {

        /** A request that carries model bytes: PutObject or UploadPart. */
        public boolean sendsBody() {
            return "PUT".equals(method) && !headers.getOrDefault("content-length", "0").equals("0");
        }

        /** A GetObject of a model (not a small JSON document: those are read in one piece). */
        public boolean readsObject() {
            return "GET".equals(method) && query.isEmpty() && path.contains("/");
        }
    }

    /** Injects {@code fault} into the share {@code share} (0–1) of the requests {@code applies} to. */
    public record Rule(Fault fault, double share, Predicate<Request> applies, Duration delay) {

        public static Rule of(Fault fault, double share) {
            return new Rule(fault, share, request -> true, Duration.ZERO);
        }

        public Rule when(Predicate<Request> condition) {
            return new Rule(fault, share, condition, delay);
        }

        public Rule delay(Duration by) {
            return new Rule(fault, share, applies, by);
        }
    }

    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final String upstreamHost;
    private final int upstreamPort;
    private final int port;
    private final Random random;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private final Map<String, Object> conditionalWrites = new ConcurrentHashMap<>();
    private volatile List<Rule> rules = List.of();
    private volatile boolean atomicConditionalWrites;
    private volatile ServerSocket server;

    private FaultInjectingProxy(URI upstream, long seed) throws IOException {
        this.upstreamHost = upstream.getHost();
        this.upstreamPort = upstream.getPort();
        this.random = new Random(seed);
        Arrays.stream(Fault.values()).forEach(fault -> injected.put(fault, new AtomicLong()));
        this.port = listen(0);
    }

    /** A proxy on a free loopback port in front of {@code upstream}, passing everything until rules are set. */
    public static FaultInjectingProxy start(URI upstream, long seed) {
        try {
            return new FaultInjectingProxy(upstream, seed);
        } catch (IOException e) {
            throw new IllegalStateException("The fault-injecting proxy did not start", e);
        }
    }

    /** Where the service should send its S3 requests. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Replaces the rules; the first rule that matches a request and wins its draw decides its fault. */
    public void rules(Rule... newRules) {
        rules = List.of(newRules);
    }

    /**
     * Makes conditional writes ({@code If-Match}, {@code If-None-Match}) atomic, as Amazon S3 applies them: S3Proxy checks
     * the condition and writes in two steps, so two service replicas writing on one ETag could otherwise both pass. The
     * proxy lets one conditional write per object through at a time, from its request to its answer.
     */
    public FaultInjectingProxy atomicConditionalWrites() {
        atomicConditionalWrites = true;
        return this;
    }

    /** S3 down: new connections are refused and open ones closed, until {@link #accept()}. */
    public synchronized void refuse() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        sockets.forEach(FaultInjectingProxy::closeQuietly);
    }

    /** S3 back: listens again on the same port. */
    public synchronized void accept() throws IOException {
        if (server == null) {
            listen(port);
        }
    }

    public long requests() {
        return requests.get();
    }

    public long injected(Fault fault) {
        return injected.get(fault).get();
    }

    /** Every fault injected so far. */
    public long injected() {
        return injected.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Requests and injected faults, for a test's figures line. */
    public String summary() {
        return requests() + " requests, faults: " + injected.entrySet().stream().filter(e -> e.getValue().get() > 0)
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + "=" + e.getValue().get())
                .collect(Collectors.joining(" "));
    }

    @Override
    public void close() throws IOException {
        refuse();
        threads.shutdownNow();
    }

    private synchronized int listen(int onPort) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
        server = socket;
        threads.execute(() -> acceptLoop(socket));
        return socket.getLocalPort();
    }

    private void acceptLoop(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                sockets.add(client);
                threads.execute(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        Socket upstream = null;
        try {
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            OutputStream toClient = client.getOutputStream();
            InputStream fromUpstream = null;
            OutputStream toUpstream = null;
            while (true) {
                Head request = Head.read(fromClient);
                if (request == null) {
                    return;
                }
                requests.incrementAndGet();
                Rule rule = pick(request.asRequest());
                Fault fault = rule == null ? null : rule.fault();
                if (fault != null) {
                    injected.get(fault).incrementAndGet();
                }
                if (fault == Fault.SLOW_DOWN || fault == Fault.INTERNAL_ERROR) {
                    boolean keepOpen = !request.expectsContinue();
                    if (keepOpen) {
                        Body.copy(request, fromClient, OutputStream.nullOutputStream(), Long.MAX_VALUE);
                    }
                    toClient.write(errorAnswer(fault, request, keepOpen));
                    toClient.flush();
                    if (!keepOpen) {
                        return;
                    }
                    continue;
                }
                if (fault == Fault.STALL) {
                    // Hold the connection without a word until the client gives up and closes it.
                    fromClient.transferTo(OutputStream.nullOutputStream());
                    return;
                }
                if (fault == Fault.CUT_REQUEST) {
                    if (request.expectsContinue()) {
                        toClient.write(CONTINUE);
                        toClient.flush();
                    }
                    Body.copy(request, fromClient, OutputStream.nullOutputStream(), request.contentLength() / 2);
                    return;
                }
                if (fault == Fault.LATENCY) {
                    Thread.sleep(rule.delay().toMillis());
                }
                if (upstream == null) {
                    upstream = new Socket(upstreamHost, upstreamPort);
                    sockets.add(upstream);
                    fromUpstream = new BufferedInputStream(upstream.getInputStream());
                    toUpstream = upstream.getOutputStream();
                }
                boolean open;
                if (atomicConditionalWrites && request.conditionalWrite()) {
                    synchronized (conditionalWrites.computeIfAbsent(request.asRequest().path(), path -> new Object())) {
                        open = forward(request, fromClient, toClient, fromUpstream, toUpstream, fault == Fault.CUT_RESPONSE);
                    }
                } else {
                    open = forward(request, fromClient, toClient, fromUpstream, toUpstream, fault == Fault.CUT_RESPONSE);
                }
                if (!open) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // Either side went away: the exchange is over.
        } finally {
            closeQuietly(client);
            sockets.remove(client);
            if (upstream != null) {
                closeQuietly(upstream);
                sockets.remove(upstream);
            }
        }
    }

    /** One exchange through to S3; returns whether the connection may carry another. */
    private static boolean forward(Head request, InputStream fromClient, OutputStream toClient, InputStream fromUpstream,
                                   OutputStream toUpstream, boolean cutResponse) throws IOException {
        toUpstream.write(request.bytes());
        toUpstream.flush();
        Head response;
        if (request.expectsContinue()) {
            response = Head.read(fromUpstream);
            if (response == null) {
                return false;
            }
            if (response.status() == 100) {
                toClient.write(response.bytes());
                toClient.flush();
                Body.copy(request, fromClient, toUpstream, Long.MAX_VALUE);
                toUpstream.flush();
                response = Head.read(fromUpstream);
            }
        } else {
            Body.copy(request, fromClient, toUpstream, Long.MAX_VALUE);
            toUpstream.flush();
            response = Head.read(fromUpstream);
        }
        while (response != null && response.status() == 100) {
            response = Head.read(fromUpstream);
        }
        if (response == null) {
            return false;
        }
        boolean hasBody = !"HEAD".equals(request.method()) && response.status() != 204 && response.status() != 304;
        if (cutResponse) {
            // Half the body after the head; an answer without a body (a PUT's) is lost whole, S3 having done its work.
            if (hasBody && (response.chunked() || response.contentLength() > 0)) {
                toClient.write(response.bytes());
                Body.copy(response, fromUpstream, toClient, Math.max(1, response.contentLength() / 2));
                toClient.flush();
            }
            return false;
        }
        toClient.write(response.bytes());
        if (hasBody) {
            Body.copy(response, fromUpstream, toClient, Long.MAX_VALUE);
        }
        toClient.flush();
        return hasBody ? response.framed() && !response.closes() && !request.closes()
                : !response.closes() && !request.closes();
    }

    private synchronized Rule pick(Request request) {
        for (Rule rule : rules) {
            if (rule.applies().test(request) && random.nextDouble() < rule.share()) {
                return rule;
            }
        }
        return null;
    }

    private static byte[] errorAnswer(Fault fault, Head request, boolean keepOpen) {
        boolean slowDown = fault == Fault.SLOW_DOWN;
        String requestId = Long.toHexString(System.nanoTime()).toUpperCase(Locale.ROOT);
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + (slowDown ? "SlowDown" : "InternalError")
                + "</Code><Message>" + (slowDown ? "Please reduce your request rate."
                : "We encountered an internal error. Please try again.") + "</Message><RequestId>" + requestId
                + "</RequestId></Error>";
        byte[] body = "HEAD".equals(request.method()) ? new byte[0] : xml.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + (slowDown ? "503 Slow Down" : "500 Internal Server Error") + "\r\n"
                + "Content-Type: application/xml\r\n"
                + "x-amz-request-id: " + requestId + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + (keepOpen ? "" : "Connection: close\r\n") + "\r\n";
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        answer.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        answer.writeBytes(body);
        return answer.toByteArray();
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do.
        }
    }

    /** A request or response head: its first line, its headers and its exact bytes. */
    private record Head(String firstLine, Map<String, String> headers, byte[] bytes) {

        private static final int MAX_BYTES = 128 * 1024;

        /** The next head on the stream, or null when the peer closed between messages. */
        static Head read(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    if (bytes.size() == 0) {
                        return null;
                    }
                    throw new EOFException("The connection closed in the middle of a message head");
                }
                bytes.write(b);
                matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                        ? matched + 1 : (b == '\r' ? 1 : 0);
                if (bytes.size() > MAX_BYTES) {
                    throw new IOException("Message head too large");
                }
            }
            String[] lines = bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
            }
            return new Head(lines[0], headers, bytes.toByteArray());
        }

        String method() {
            return firstLine.substring(0, firstLine.indexOf(' '));
        }

        int status() {
            return Integer.parseInt(firstLine.substring(9, 12));
        }

        Request asRequest() {
            String target = firstLine.split(" ")[1];
            int question = target.indexOf('?');
            return new Request(method(), question < 0 ? target : target.substring(0, question),
                    question < 0 ? "" : target.substring(question + 1), headers);
        }

        /** A PutObject or CompleteMultipartUpload that S3 carries out only if the object's ETag is as stated. */
        boolean conditionalWrite() {
            return !"GET".equals(method()) && !"HEAD".equals(method())
                    && (headers.containsKey("if-match") || headers.containsKey("if-none-match"));
        }

        boolean expectsContinue() {
            return "100-continue".equalsIgnoreCase(headers.get("expect"));
        }

        boolean chunked() {
            return headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
        }

        /** The Content-Length, or 0 when there is none. */
        long contentLength() {
            return Long.parseLong(headers.getOrDefault("content-length", "0"));
        }

        /** Whether the body's end is known without the connection closing. */
        boolean framed() {
            return chunked() || headers.containsKey("content-length");
        }

        boolean closes() {
            return "close".equalsIgnoreCase(headers.get("connection"));
        }
    }

    /** Copies message bodies by their framing. */
    private static final class Body {

        /**
         * Copies at most {@code limit} bytes of the body that follows {@code head}: by Content-Length, chunk by chunk,
         * or (a response without either) until the connection closes. A request without either has no body.
         */
        static void copy(Head head, InputStream in, OutputStream out, long limit) throws IOException {
            if (head.chunked()) {
                copyChunked(in, out, limit);
                return;
            }
            boolean request = !head.firstLine().startsWith("HTTP/");
            long length = head.headers().containsKey("content-length") ? head.contentLength()
                    : request ? 0 : Long.MAX_VALUE;
            copyExactly(in, out, Math.min(length, limit), length == Long.MAX_VALUE);
        }

        private static void copyChunked(InputStream in, OutputStream out, long limit) throws IOException {
            long copied = 0;
            while (copied < limit) {
                String sizeLine = line(in);
                out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                long size = Long.parseLong(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    // Trailers, then the empty line that ends the body.
                    String trailer;
                    do {
                        trailer = line(in);
                        out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    } while (!trailer.isEmpty());
                    return;
                }
                long part = Math.min(size, limit - copied);
                copyExactly(in, out, part, false);
                copied += part;
                if (part < size) {
                    return;
                }
                out.write((line(in) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        }

        private static void copyExactly(InputStream in, OutputStream out, long bytes, boolean untilClosed) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            long left = bytes;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    if (untilClosed) {
                        return;
                    }
                    throw new EOFException("The connection closed in the middle of a body");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            if (b < 0) {
                throw new EOFException("The connection closed in the middle of a chunked body");
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
