package io.anomstack.modelstore.it;

import io.anomstack.modelstore.soak.SoakDriver;
import io.anomstack.modelstore.support.ForkedService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.ServiceCalls;
import io.anomstack.modelstore.support.StoreAudit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A minute of sixteen clients uploading, downloading, listing and deleting against a service process of its own: no
 * errors, the bucket holds exactly what the clients believe they stored, and the service's memory and threads stay
 * bounded. {@code ./mvnw -Psoak verify} runs the same for ten minutes (docs/soak.md).
 */
class SoakIT {

    @TempDir
    Path dir;

    @Test
    void aMinuteOfMixedLoadHasNoErrorsAndLeavesExactlyWhatTheClientsStored() throws Exception {
        SoakDriver.Result result;
        try (S3ProxyBackend s3 = S3ProxyBackend.filesystem(dir.resolve("s3"));
             ForkedService service = SoakDriver.startService(ForkedService.fromClassPath(), s3, dir.resolve("service.log"));
             S3Client client = s3.client()) {
            ServiceCalls calls = new ServiceCalls(service.base());
            result = new SoakDriver(SoakDriver.Settings.standard(Duration.ofSeconds(60)), List.of(calls),
                    new StoreAudit(calls, client, SoakDriver.BUCKET, "models/"), "soak").run();
        }
        System.out.println(result.table());

        assertThat(result.errorSamples()).isEmpty();
        assertThat(result.errors()).isZero();
        assertThat(result.audit().problems()).isEmpty();
        assertThat(result.audit().incompleteUploads()).isZero();
        assertThat(result.operations()).isPositive();
        // Threads grow until the pools are full (a request thread per client, 32 part uploads, 8 S3 reads, 4 range
        // prefetches); memory until the read cache (64 MB of models, descriptors for 10 minutes), the idle part buffers
        // (40 MB) and the range buffers (32 MB) are full. Beyond that nothing may grow with the requests served.
        assertThat(result.end().liveThreads()).as("live threads").isLessThanOrEqualTo(result.start().liveThreads() + 80);
        assertThat(result.end().liveDataBytes()).as("live data after GC, of a 1 GiB heap").isLessThan(384L << 20);
    }
}
