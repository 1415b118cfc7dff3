package io.anomstack.modelstore.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may call the service, bound from {@code modelstore.security.*}. Keys are configured by the SHA-256 of their
 * secret, so the configuration (a ConfigMap, {@code /actuator/configprops}, a log line) never holds a usable key.
 *
 * @param allowAnonymous everybody may do everything without a key ({@code MODELSTORE_SECURITY_ALLOW_ANONYMOUS}, default
 *                       false). Outside local mode the service refuses to start with no key configured unless this is
 *                       set; local mode lets anonymous callers in from loopback addresses only.
 * @param apiKeys        the API keys callers authenticate with, each a name, the SHA-256 of its secret, a role
 *                       ({@code reader}, {@code writer} or {@code admin}) and the batch globs it may touch
 *                       ({@code MODELSTORE_SECURITY_APIKEYS_0_NAME}, {@code …_0_SHA256}, {@code …_0_ROLE},
 *                       {@code …_0_BATCHES}, …); none by default
 * @param jwt            OAuth2/OIDC bearer tokens, off unless an issuer or a JWK set is configured
 * @param s3Keys         the key pairs of the S3 API (docs/s3-api.md), each an access key id, its secret, a role and
 *                       batch globs ({@code MODELSTORE_SECURITY_S3KEYS_0_ACCESSKEYID}, {@code …_0_SECRETACCESSKEY},
 *                       {@code …_0_ROLE}, {@code …_0_BATCHES}); none by default
 */
@ConfigurationProperties("modelstore.security")
public record SecurityProperties(@DefaultValue("false") boolean allowAnonymous, List<ApiKey> apiKeys,
                                 @DefaultValue Jwt jwt, List<S3Key> s3Keys) {

    public SecurityProperties {
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        s3Keys = s3Keys == null ? List.of() : List.copyOf(s3Keys);
        Set<String> accessKeyIds = new HashSet<>();
        for (S3Key key : s3Keys) {
            if (!accessKeyIds.add(key.accessKeyId())) {
                throw new IllegalArgumentException("Two S3 keys have the access key id '" + key.accessKeyId() + "'.");
            }
        }
        jwt = jwt == null ? new Jwt(null, null, null) : jwt;
        Set<String> names = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (ApiKey key : apiKeys) {
            if (!names.add(key.name())) {
                throw new IllegalArgumentException("Two API keys are named '" + key.name() + "'; give each key its own name.");
            }
            if (!hashes.add(key.sha256())) {
                throw new IllegalArgumentException("API keys '" + key.name() + "' and another one have the same sha256: "
                        + "one secret would get two identities. Generate a new key for one of them.");
            }
        }
    }

    /**
     * JWTs from an OAuth2/OIDC provider. The token's scopes {@code models:read}, {@code models:write} and
     * {@code models:admin} give the reader, writer and admin roles; a batch claim, when the token has it, limits the
     * batches like an API key's patterns.
     *
     * @param issuerUri  the issuer ({@code MODELSTORE_SECURITY_JWT_ISSUER_URI}): its discovery document names the keys,
     *                   and tokens must carry it as {@code iss}
     * @param jwkSetUri  the provider's JWK set ({@code MODELSTORE_SECURITY_JWT_JWK_SET_URI}), when there is no discovery
     * @param batchClaim the claim listing the batch patterns a token may touch ({@code MODELSTORE_SECURITY_JWT_BATCH_CLAIM},
     *                   default {@code anomstack_batches}); a token without it may touch every batch
     */
    public record Jwt(String issuerUri, String jwkSetUri, @DefaultValue("anomstack_batches") String batchClaim) {

        public Jwt {
            issuerUri = blankToNull(issuerUri);
            jwkSetUri = blankToNull(jwkSetUri);
            batchClaim = blankToNull(batchClaim) == null ? "anomstack_batches" : batchClaim.trim();
        }

        public boolean enabled() {
            return issuerUri != null || jwkSetUri != null;
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.trim();
        }
    }

    /**
     * One API key.
     *
     * @param name    what logs and errors call it ({@code trainer-prod}); letters, digits, {@code .}, {@code _}, {@code -}
     * @param sha256  the SHA-256 of the secret, 64 hex digits ({@code java -jar anomstack-model-store.jar hash-key})
     * @param role    {@code reader}, {@code writer} or {@code admin}
     * @param batches glob patterns of the batches it may touch ({@code prod_*}); default every batch
     */
    public record ApiKey(String name, String sha256, String role, List<String> batches) {

        public ApiKey {
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new IllegalArgumentException("API key name '" + name + "' is not valid: use 1-64 letters, digits, "
                        + "'.', '_' or '-', starting with a letter or digit.");
            }
            if (sha256 == null || !sha256.trim().matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("API key '" + name + "': sha256 must be the SHA-256 of the key in 64 hex "
                        + "digits, never the key itself. Print it with: java -jar anomstack-model-store.jar hash-key");
            }
            sha256 = sha256.trim().toLowerCase(Locale.ROOT);
            Role.parse(role == null ? "" : role);
            batches = batches == null || batches.isEmpty() ? List.of("*") : List.copyOf(batches);
            for (String glob : batches) {
                if (glob == null || !glob.matches("[A-Za-z0-9._*?-]{1,128}")) {
                    throw new IllegalArgumentException("API key '" + name + "': batch pattern '" + glob + "' is not valid: "
                            + "use batch name characters with * and ? as wildcards.");
                }
            }
        }

        Caller caller() {
            return new Caller(name, Role.parse(role), batches);
        }
    }

    /**
     * One key pair of the S3 API. SigV4 signatures are verified with the secret itself, so unlike an API key it is
     * configured as it is: keep it in a Secret.
     *
     * @param accessKeyId     the access key id clients send ({@code AWS_ACCESS_KEY_ID}); 3-128 letters, digits, {@code .}, {@code _}, {@code -}
     * @param secretAccessKey the secret ({@code AWS_SECRET_ACCESS_KEY}), at least 16 characters
     * @param role            {@code reader}, {@code writer} or {@code admin}
     * @param batches         glob patterns of the batches it may touch ({@code prod_*}); default every batch
     */
    public record S3Key(String accessKeyId, String secretAccessKey, String role, List<String> batches) {

        public S3Key {
            if (accessKeyId == null || !accessKeyId.matches("[A-Za-z0-9._-]{3,128}")) {
                throw new IllegalArgumentException("S3 access key id '" + accessKeyId + "' is not valid: use 3-128 letters, "
                        + "digits, '.', '_' or '-'.");
            }
            if (secretAccessKey == null || secretAccessKey.length() < 16) {
                throw new IllegalArgumentException("S3 key '" + accessKeyId + "': the secret access key must have at least "
                        + "16 characters.");
            }
            Role.parse(role == null ? "" : role);
            batches = batches == null || batches.isEmpty() ? List.of("*") : List.copyOf(batches);
            for (String glob : batches) {
                if (glob == null || !glob.matches("[A-Za-z0-9._*?-]{1,128}")) {
                    throw new IllegalArgumentException("S3 key '" + accessKeyId + "': batch pattern '" + glob + "' is not "
                            + "valid: use batch name characters with * and ? as wildcards.");
                }
            }
        }

        /** The caller a request signed with this key is, named by its access key id. */
        public Caller caller() {
            return new Caller(accessKeyId, Role.parse(role), batches);
        }

        @Override
        public String toString() {
            return "S3Key[accessKeyId=" + accessKeyId + ", role=" + role + ", batches=" + batches + "]";
        }
    }
}
