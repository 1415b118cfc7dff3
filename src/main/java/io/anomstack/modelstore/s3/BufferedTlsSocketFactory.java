package io.anomstack.modelstore.s3;

import org.apache.http.HttpHost;
import org.apache.http.conn.socket.LayeredConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.protocol.HttpContext;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.NoSuchAlgorithmException;

/**
 * HTTPS connections to S3 with buffered streams on both sides of TLS. The AWS SDK's Apache client writes a body 4 KiB at
 * a time, and over TLS each write became a record of its own, encrypted and sent with a system call each; the TLS layer
 * reads every record's header and body with a system call each. Buffering above TLS makes full records, and below it
 * reads what the socket holds at once. Certificates and host names are checked as the SDK's own factory checks them:
 * the JVM's default trust, Apache's default host name verifier.
 */
public final class BufferedTlsSocketFactory implements LayeredConnectionSocketFactory {

    /** Two full TLS records of plain text; a pooled connection holds this twice. */
    static final int BUFFER_BYTES = 32 * 1024;

    private final SSLConnectionSocketFactory tls;

    public BufferedTlsSocketFactory(SSLContext context) {
        this.tls = new SSLConnectionSocketFactory(context, SSLConnectionSocketFactory.getDefaultHostnameVerifier());
    }

    /** With the JVM's default SSL context, as the SDK uses. */
    public static BufferedTlsSocketFactory systemDefault() {
        try {
            return new BufferedTlsSocketFactory(SSLContext.getDefault());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no default TLS context.", e);
        }
    }

    /** A plain socket: TLS is layered over it once it is connected. */
    @Override
    public Socket createSocket(HttpContext context) {
        return new Socket();
    }

    @Override
    public Socket connectSocket(int connectTimeout, Socket socket, HttpHost host, InetSocketAddress remoteAddress,
                                InetSocketAddress localAddress, HttpContext context) throws IOException {
        Socket plain = socket != null ? socket : createSocket(context);
        try {
            if (localAddress != null) {
                plain.bind(localAddress);
            }
            plain.connect(remoteAddress, connectTimeout);
            return createLayeredSocket(plain, host.getHostName(), remoteAddress.getPort(), context);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    @Override
    public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context) throws IOException {
        Socket secured = tls.createLayeredSocket(new BufferedSocket(socket, BUFFER_BYTES, 0), target, port, context);
        return new BufferedSocket(secured, 0, BUFFER_BYTES);
    }
}
