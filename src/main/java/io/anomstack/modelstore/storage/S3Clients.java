package io.anomstack.modelstore.storage;

import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One S3 client per region, built on first use and shared by every bucket of that region: a client holds a
 * connection pool, and batches that live in other regions must not each open their own.
 */
final class S3Clients implements AutoCloseable {

    private final Function<Region, S3Client> factory;
    private final Map<Region, S3Client> byRegion = new ConcurrentHashMap<>();

    S3Clients(Function<Region, S3Client> factory) {
        this.factory = factory;
    }

    S3Client forRegion(String region) {
        return byRegion.computeIfAbsent(Region.of(region), factory);
    }

    @Override
    public void close() {
        byRegion.values().forEach(S3Client::close);
        byRegion.clear();
    }
}
