package io.anomstack.modelstore.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * {@code java -jar anomstack-model-store.jar hash-key}: prints a new random API key and the SHA-256 that goes into the
 * configuration. With {@code -} it hashes a key read from standard input instead (never from the command line,
 * which shell history and process listings keep). Runs without starting the service.
 */
public final class HashKeyCommand {

    public static final String NAME = "hash-key";
    private static final int KEY_BYTES = 32;

    private HashKeyCommand() {
    }

    public static void run(String[] args, InputStream in, PrintStream out) throws IOException {
        String key;
        if (args.length > 1 && args[1].equals("-")) {
            key = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("No key on standard input.");
            }
            key = key.trim();
        } else {
            byte[] random = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(random);
            key = "ams_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            out.println("key:    " + key + "    (give it to the job; it is not stored anywhere)");
        }
        out.println("sha256: " + ApiKeys.sha256Hex(key));
        out.println();
        out.println("Configure it, for example:");
        out.println("  MODELSTORE_SECURITY_APIKEYS_0_NAME=trainer-prod");
        out.println("  MODELSTORE_SECURITY_APIKEYS_0_SHA256=" + ApiKeys.sha256Hex(key));
        out.println("  MODELSTORE_SECURITY_APIKEYS_0_ROLE=writer");
        out.println("  MODELSTORE_SECURITY_APIKEYS_0_BATCHES=prod_*");
    }
}
