package io.anomstack.modelstore.bucket;

import software.amazon.awssdk.services.s3.S3Client;

import java.util.List;
import java.util.Objects;

/**
 * A bucket whose configuration the service manages.
 *
 * @param client     a client for the bucket's region
 * @param bucket     the bucket
 * @param region     its region (where it is created when missing)
 * @param prefixes   the key prefixes the service stores under in it: its lifecycle rules are scoped to each
 * @param encryption the default encryption the bucket should have
 */
record ManagedBucket(S3Client client, String bucket, String region, List<String> prefixes, DefaultEncryption encryption) {

    ManagedBucket {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(encryption, "encryption");
        prefixes = prefixes.stream().distinct().sorted().toList();
        if (prefixes.isEmpty()) {
            throw new IllegalArgumentException("A managed bucket needs at least one prefix (empty for the whole bucket).");
        }
    }
}
