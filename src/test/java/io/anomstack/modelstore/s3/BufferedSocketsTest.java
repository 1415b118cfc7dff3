package io.anomstack.modelstore.s3;

import io.anomstack.modelstore.s3.BufferedSockets.BufferedPlainSocketFactory;
import io.anomstack.modelstore.s3.BufferedSockets.NamingPlanner;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.apache.http.HttpHost;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.message.BasicHttpRequest;
import org.apache.http.protocol.BasicHttpContext;
import org.apache.http.protocol.HttpContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain-HTTP connections to S3 with buffered writes, named per request through the route planner. */
class BufferedSocketsTest {

    private static S3ProxyBackend backend;
    private static String bucket;

    @BeforeAll
    static void start() {
        backend = S3ProxyBackend.inMemory();
        bucket = backend.createBucket("buffered-sockets");
    }

    @AfterAll
    static void stop() throws Exception {
        backend.close();
    }

    private static S3Client client(ApacheHttpClient.Builder http) {
        return S3Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(backend.endpoint())
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(backend.accessKey(), backend.secretKey())))
                .httpClientBuilder(http)
                .build();
    }

    @Test
    void bodiesCrossWholeBothWaysOverPlainHttp() {
        byte[] model = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(model);
        try (S3Client client = client(BufferedSockets.configure(ApacheHttpClient.builder()))) {
            for (int i = 0; i < 3; i++) {
                String key = "b/m/model_" + i;
                client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(model));
                assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray()).isEqualTo(model);
            }
        }
    }

    @Test
    void theSdksConnectionsAreOpenedByTheFactoriesThePlannerNames() {
        AtomicInteger opened = new AtomicInteger();
        BufferedPlainSocketFactory buffered = new BufferedPlainSocketFactory();
        ConnectionSocketFactory counting = new ConnectionSocketFactory() {
            @Override
            public Socket createSocket(HttpContext context) throws IOException {
                return buffered.createSocket(context);
            }

            @Override
            public Socket connectSocket(int timeout, Socket socket, HttpHost host, InetSocketAddress remote,
                                        InetSocketAddress local, HttpContext context) throws IOException {
                opened.incrementAndGet();
                return buffered.connectSocket(timeout, socket, host, remote, local, context);
            }
        };
        NamingPlanner planner = new NamingPlanner(RegistryBuilder.<ConnectionSocketFactory>create()
                .register("http", counting).build());

        try (S3Client client = client(ApacheHttpClient.builder().httpRoutePlanner(planner))) {
            client.putObject(b -> b.bucket(bucket).key("b/m/named"), RequestBody.fromString("model"));
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("b/m/named")).asUtf8String()).isEqualTo("model");
        }
        assertThat(opened).hasPositiveValue();
    }

    @Test
    void thePlannerRoutesStraightToTheHost() throws Exception {
        HttpContext context = new BasicHttpContext();
        var factories = RegistryBuilder.<ConnectionSocketFactory>create().build();
        HttpHost host = new HttpHost("127.0.0.1", 9000, "http");

        var route = new NamingPlanner(factories).determineRoute(host, new BasicHttpRequest("GET", "/"), context);

        assertThat(route.getTargetHost()).isEqualTo(host);
        assertThat(route.getProxyHost()).isNull();
        assertThat(context.getAttribute(BufferedSockets.SOCKET_FACTORY_REGISTRY)).isSameAs(factories);
    }

    @Test
    void plainWritesReachThePeerOnlyWhenFlushed() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket socket = new BufferedPlainSocketFactory().connectSocket(1000, null,
                     new HttpHost("127.0.0.1", server.getLocalPort()),
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), null, null);
             Socket peer = server.accept()) {
            OutputStream out = socket.getOutputStream();
            out.write(new byte[4096]);
            peer.setSoTimeout(200);
            InputStream in = peer.getInputStream();
            assertThat(in.available()).isZero();

            out.flush();

            assertThat(in.readNBytes(4096)).hasSize(4096);
        }
    }

    @Test
    void aProxyInTheSystemPropertiesIsSeenAsTheSdkSeesIt() {
        String host = System.getProperty("http.proxyHost");
        String port = System.getProperty("http.proxyPort");
        System.setProperty("http.proxyHost", "proxy.example");
        System.setProperty("http.proxyPort", "3128");
        try {
            assertThat(BufferedSockets.proxyConfigured()).isTrue();
        } finally {
            restore("http.proxyHost", host);
            restore("http.proxyPort", port);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }
}
