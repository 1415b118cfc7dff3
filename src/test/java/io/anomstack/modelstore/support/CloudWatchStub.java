package io.anomstack.modelstore.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A local CloudWatch endpoint that records PutMetricData calls. The SDK's CloudWatch client speaks the Smithy RPC v2
 * CBOR protocol ({@code POST /service/GraniteServiceVersion20100801/operation/PutMetricData}, body in CBOR); the stub
 * decodes the body (gzip-compressed when large) into maps and lists and answers an empty CBOR map, which is
 * PutMetricData's empty output.
 */
public final class CloudWatchStub implements AutoCloseable {

    /** One PutMetricData call: the operation from the path and the decoded input. */
    public record Call(String path, String contentType, Map<String, Object> input) {
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    public CloudWatchStub() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            // The SDK compresses PutMetricData bodies above 10 KB.
            body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        try {
            calls.add(new Call(exchange.getRequestURI().getPath(), contentType, asMap(decodeCbor(body))));
            exchange.getResponseHeaders().add("Content-Type", "application/cbor");
            exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
            byte[] emptyMap = {(byte) 0xA0};
            exchange.sendResponseHeaders(200, emptyMap.length);
            exchange.getResponseBody().write(emptyMap);
        } catch (IOException | RuntimeException e) {
            // Anything else than the expected protocol: answer 400 so that the service logs it, and record what came.
            calls.add(new Call(exchange.getRequestURI().getPath(), contentType, Map.of("undecodable", new String(body))));
            exchange.sendResponseHeaders(400, -1);
        } finally {
            exchange.close();
        }
    }

    private static Object decodeCbor(byte[] body) throws IOException {
        try (JsonParser parser = new CBORFactory().createParser(body)) {
            parser.nextToken();
            return read(parser);
        }
    }

    private static Object read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() != JsonToken.END_OBJECT) {
                    String name = parser.currentName();
                    parser.nextToken();
                    map.put(name, read(parser));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(parser));
                }
                return list;
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return parser.getNumberValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return parser.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> {
                return parser.getText();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object decoded) {
        if (!(decoded instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("not a CBOR map: " + decoded);
        }
        return (Map<String, Object>) map;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
