package io.anomstack.modelstore.s3api;

import io.anomstack.modelstore.security.SecurityProperties;
import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.BlobStoreLocator;
import org.jspecify.annotations.Nullable;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * Maps the access key id of a signed request to its secret, which S3Proxy verifies the SigV4 signature with (header
 * or presigned), and to the bucket as that key's caller sees it. An unknown key id gets no grant: InvalidAccessKeyId.
 */
final class S3KeyLocator implements BlobStoreLocator {

    private final Map<String, AccessGrant> grants;

    S3KeyLocator(SecurityProperties security, S3Models models) {
        this.grants = security.s3Keys().stream().collect(Collectors.toUnmodifiableMap(
                SecurityProperties.S3Key::accessKeyId,
                key -> new AccessGrant(key.secretAccessKey(), new CatalogBlobStore(models, models.callerOf(key.caller())))));
    }

    boolean isEmpty() {
        return grants.isEmpty();
    }

    @Override
    public @Nullable AccessGrant locateBlobStore(@Nullable String identity, @Nullable String container,
                                                 @Nullable String blob) {
        return identity == null ? null : grants.get(identity);
    }
}
