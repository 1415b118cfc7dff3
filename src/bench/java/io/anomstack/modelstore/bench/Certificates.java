package io.anomstack.modelstore.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A self-signed certificate for 127.0.0.1, made with the JDK's keytool, for S3Proxy to serve HTTPS with. */
final class Certificates {

    static final String KEY_STORE = "s3proxy.p12";
    static final String TRUST_STORE = "trust.p12";
    private static final String ALIAS = "s3proxy";

    private Certificates() {
    }

    /**
     * Writes the key store S3Proxy serves with and a trust store holding only its certificate into {@code dir}.
     *
     * @return the JVM options that make a JVM trust it
     */
    static List<String> selfSigned(Path dir, String password) throws Exception {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(KEY_STORE));
        Files.deleteIfExists(dir.resolve(TRUST_STORE));
        Path certificate = dir.resolve("s3proxy.crt");
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", dir.resolve(KEY_STORE).toString(), "-storepass", password);
        keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", dir.resolve(KEY_STORE).toString(),
                "-storepass", password, "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", ALIAS, "-file", certificate.toString(), "-storetype", "PKCS12",
                "-keystore", dir.resolve(TRUST_STORE).toString(), "-storepass", password);
        return List.of("-Djavax.net.ssl.trustStore=" + dir.resolve(TRUST_STORE).toAbsolutePath(),
                "-Djavax.net.ssl.trustStorePassword=" + password,
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
        }
    }
}
