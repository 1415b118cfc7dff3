package io.anomstack.modelstore.s3;

import org.apache.http.HttpException;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.config.Lookup;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.socket.PlainConnectionSocketFactory;
import org.apache.http.impl.conn.DefaultRoutePlanner;
import org.apache.http.impl.conn.DefaultSchemePortResolver;
import org.apache.http.protocol.HttpContext;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache.ProxyConfiguration;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Connections to S3 whose writes are gathered: the SDK's Apache client writes a body 4 KiB at a time, each write a
 * system call of its own. Over HTTPS the SDK's builder takes a socket factory ({@link BufferedTlsSocketFactory}); for
 * plain HTTP (S3-compatible stores, the local mode) it registers Apache's own, so the connection's socket factories are
 * named per request instead, through the context attribute Apache's connection operator reads them from. The route is
 * Apache's default one. With a proxy configured (system properties or environment, as the SDK reads them), the SDK
 * plans its routes itself and plain HTTP keeps its unbuffered writes.
 */
public final class BufferedSockets {

    /** The context attribute of Apache's {@code DefaultHttpClientConnectionOperator} that names the socket factories. */
    static final String SOCKET_FACTORY_REGISTRY = "http.socket-factory-registry";

    private BufferedSockets() {
    }

    /** The builder, with buffered sockets for HTTPS, and for plain HTTP unless a proxy is configured. */
    public static ApacheHttpClient.Builder configure(ApacheHttpClient.Builder builder) {
        BufferedTlsSocketFactory tls = BufferedTlsSocketFactory.systemDefault();
        builder.socketFactory(tls);
        if (!proxyConfigured()) {
            builder.httpRoutePlanner(new NamingPlanner(RegistryBuilder.<ConnectionSocketFactory>create()
                    .register("http", new BufferedPlainSocketFactory())
                    .register("https", tls)
                    .build()));
        }
        return builder;
    }

    /** As the SDK decides whether to route through a proxy (it refuses a route planner beside one). */
    static boolean proxyConfigured() {
        ProxyConfiguration proxy = ProxyConfiguration.builder().build();
        return proxy.host() != null && proxy.port() > 0;
    }

    /** Apache's default routes; the socket factories of the connection a route may open are named in its context. */
    static final class NamingPlanner extends DefaultRoutePlanner {

        private final Lookup<ConnectionSocketFactory> factories;

        NamingPlanner(Lookup<ConnectionSocketFactory> factories) {
            super(DefaultSchemePortResolver.INSTANCE);
            this.factories = factories;
        }

        @Override
        public HttpRoute determineRoute(HttpHost host, HttpRequest request, HttpContext context) throws HttpException {
            context.setAttribute(SOCKET_FACTORY_REGISTRY, factories);
            return super.determineRoute(host, request, context);
        }
    }

    /** Plain sockets whose output is buffered; Apache HttpClient flushes after every request head and body. */
    static final class BufferedPlainSocketFactory implements ConnectionSocketFactory {

        private final PlainConnectionSocketFactory plain = PlainConnectionSocketFactory.getSocketFactory();

        @Override
        public Socket createSocket(HttpContext context) throws IOException {
            return plain.createSocket(context);
        }

        @Override
        public Socket connectSocket(int connectTimeout, Socket socket, HttpHost host, InetSocketAddress remoteAddress,
                                    InetSocketAddress localAddress, HttpContext context) throws IOException {
            Socket connected = plain.connectSocket(connectTimeout, socket, host, remoteAddress, localAddress, context);
            return new BufferedSocket(connected, 0, BufferedTlsSocketFactory.BUFFER_BYTES);
        }
    }
}
