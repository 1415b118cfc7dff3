package io.anomstack.modelstore.support;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A self-signed certificate made with the JDK's keytool, for S3Proxy to serve HTTPS with: the key store it serves
 * from, and a trust store holding only the certificate.
 */
public record SelfSignedCertificate(Path keyStore, Path trustStore, String password) {

    private static final String ALIAS = "s3proxy";

    /** @param subjectAltName the name the certificate is for, such as {@code ip:127.0.0.1} or {@code dns:example.com} */
    public static SelfSignedCertificate create(Path dir, String subjectAltName) throws Exception {
        Files.createDirectories(dir);
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        SelfSignedCertificate made = new SelfSignedCertificate(dir.resolve("key.p12"), dir.resolve("trust.p12"),
                HexFormat.of().formatHex(secret));
        Files.deleteIfExists(made.keyStore);
        Files.deleteIfExists(made.trustStore);
        Path certificate = dir.resolve("certificate.pem");
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=model store test", "-ext", "SAN=" + subjectAltName, "-storetype", "PKCS12",
                "-keystore", made.keyStore.toString(), "-storepass", made.password);
        keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", made.keyStore.toString(),
                "-storepass", made.password, "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", ALIAS, "-file", certificate.toString(), "-storetype", "PKCS12",
                "-keystore", made.trustStore.toString(), "-storepass", made.password);
        return made;
    }

    /** The system properties that make a JVM's default SSL context trust the certificate. */
    public Map<String, String> trustProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("javax.net.ssl.trustStore", trustStore.toAbsolutePath().toString());
        properties.put("javax.net.ssl.trustStorePassword", password);
        properties.put("javax.net.ssl.trustStoreType", "PKCS12");
        return properties;
    }

    /** {@link #trustProperties()} as options for another JVM. */
    public List<String> trustArguments() {
        return trustProperties().entrySet().stream().map(e -> "-D" + e.getKey() + "=" + e.getValue()).toList();
    }

    /** An SSL context that trusts the certificate and nothing else. */
    public SSLContext trustingContext() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            trusted.load(in, password.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
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
