package io.anomstack.modelstore.observability;

import io.anomstack.modelstore.security.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The outermost filter: gives every request an id (the caller's {@code X-Request-Id} when it is a sane token, a new
 * one otherwise), puts it in the MDC so that every log line of the request carries it, answers it back, and once the
 * request is over writes one line on the {@code request} logger and records the upload and download timers, the
 * in-flight uploads and the error counter. Outermost, so that requests refused by the security filters count too.
 */
class RequestObservationFilter extends OncePerRequestFilter {

    static final String REQUEST_ID_HEADER = "X-Request-Id";
    static final String MDC_KEY = "request_id";

    private static final Logger log = LoggerFactory.getLogger("request");
    /** Echoed into logs and headers: anything else could forge log lines or split headers. */
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final MeterRegistry registry;
    private final BatchTags batchTags;
    private final AtomicInteger uploadsInFlight;

    RequestObservationFilter(MeterRegistry registry, BatchTags batchTags) {
        this.registry = registry;
        this.batchTags = batchTags;
        this.uploadsInFlight = registry.gauge("modelstore.uploads.in_flight", new AtomicInteger());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        String id = request.getHeader(REQUEST_ID_HEADER);
        if (id == null || !SANE_ID.matcher(id).matches()) {
            id = newRequestId();
        }
        response.setHeader(REQUEST_ID_HEADER, id);
        MDC.put(MDC_KEY, id);
        Operation operation = Operation.of(request.getMethod(), request.getRequestURI());
        boolean upload = Operation.UPLOAD.equals(operation.name());
        if (upload) {
            uploadsInFlight.incrementAndGet();
        }
        CountingStreams.Request countedRequest = new CountingStreams.Request(request);
        CountingStreams.Response countedResponse = new CountingStreams.Response(response);
        Throwable failure = null;
        try {
            chain.doFilter(countedRequest, countedResponse);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            if (upload) {
                uploadsInFlight.decrementAndGet();
            }
            long nanos = System.nanoTime() - start;
            record(request, response, operation, failure, nanos, countedRequest.bytes(), countedResponse.bytes());
            MDC.remove(MDC_KEY);
        }
    }

    /**
     * A random (version 4) UUID from the thread's own generator: unique enough to find a request in the logs, and not a
     * secret, so not worth {@link UUID#randomUUID()}'s shared, locked {@code SecureRandom} on every request.
     */
    static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() & ~0xF000L | 0x4000L;
        long low = random.nextLong() & ~(0xC0L << 56) | (0x80L << 56);
        return new UUID(high, low).toString();
    }

    private void record(HttpServletRequest request, HttpServletResponse response, Operation operation,
                        Throwable failure, long nanos, long bytesIn, long bytesOut) {
        // An exception that reaches this filter either broke a transfer off after its status line was out, or will be
        // answered by the container's error page: a 500, or a 400 for a malformed upload body.
        int status = failure == null || response.isCommitted() ? response.getStatus()
                : "client_abort".equals(ErrorCauses.of(failure)) ? 400 : 500;
        String cause = failure != null ? ErrorCauses.of(failure) : status >= 400 ? ErrorCauses.of(request, status) : null;
        String outcome = cause == null ? "success" : status < 500 && !"internal".equals(cause) ? "client_error" : "server_error";
        Tags batch = batchTags.of(operation.batch());
        if (Operation.UPLOAD.equals(operation.name()) || Operation.DOWNLOAD.equals(operation.name())) {
            Timer.builder("modelstore." + operation.name())
                    .description("Duration of model " + operation.name() + "s, from the request's first byte to its last")
                    .tags(batch).tag("outcome", outcome)
                    .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        }
        if (cause != null) {
            Counter.builder("modelstore.errors")
                    .description("Requests answered with an error or broken off, by operation and cause")
                    .tags(batch).tag("operation", operation.name()).tag("cause", cause)
                    .register(registry).increment();
        }
        Object caller = request.getAttribute(Caller.REQUEST_ATTRIBUTE);
        String principal = caller instanceof Caller known ? known.name() : "-";
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        log.atInfo()
                .addKeyValue("principal", principal)
                .addKeyValue("operation", operation.name())
                .addKeyValue("method", request.getMethod())
                .addKeyValue("path", request.getRequestURI())
                .addKeyValue("status", status)
                .addKeyValue("bytes_in", bytesIn)
                .addKeyValue("bytes_out", bytesOut)
                .addKeyValue("duration_ms", millis)
                .addKeyValue("outcome", cause == null ? outcome : cause)
                .log("{} {} {} -> {} principal={} in={}B out={}B {}ms {}", operation.name(), request.getMethod(),
                        request.getRequestURI(), status, principal, bytesIn, bytesOut, millis,
                        cause == null ? outcome : cause);
    }
}
