package io.anomstack.modelstore.s3;

import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One S3 client per region, built on first use and shared by every bucket of that region: a client holds a
 * connection pool, and batches that live in other regions must not each open their own. Each client has its own
 * circuit breaker: one region's outage must not fail requests to another.
 */
public final class S3Clients implements AutoCloseable {

    private final Function<Region, S3Client> factory;
    private final Function<Region, S3CircuitBreaker> breakerFactory;
    private final Map<Region, S3Client> byRegion = new ConcurrentHashMap<>();
    private final Map<Region, S3CircuitBreaker> breakers = new ConcurrentHashMap<>();

    public S3Clients(Function<Region, S3Client> factory, Function<Region, S3CircuitBreaker> breakerFactory) {
        this.factory = factory;
        this.breakerFactory = breakerFactory;
    }

    public S3Client forRegion(String region) {
        return byRegion.computeIfAbsent(Region.of(region), factory);
    }

    public S3CircuitBreaker breakerFor(String region) {
        return breakers.computeIfAbsent(Region.of(region), breakerFactory);
    }

    /** The breakers of the regions used so far, by region name. */
    Map<String, S3CircuitBreaker> breakers() {
        Map<String, S3CircuitBreaker> byName = new TreeMap<>();
        breakers.forEach((region, breaker) -> byName.put(region.id(), breaker));
        return byName;
    }

    @Override
    public void close() {
        byRegion.values().forEach(S3Client::close);
        byRegion.clear();
    }
}
