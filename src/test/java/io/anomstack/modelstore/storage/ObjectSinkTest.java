package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.ObjectSettings;
import io.anomstack.modelstore.s3.CircuitBreakerProperties;
import io.anomstack.modelstore.s3.MissingPermissions;
import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.PreconditionFailedException;
import io.anomstack.modelstore.s3.S3CircuitBreaker;
import io.anomstack.modelstore.s3.S3Location;
import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An object sink creates its object only at a free key, and marks it as its own. */
class ObjectSinkTest {

    private static final String BUCKET = "sink";
    private static final int PART_SIZE = 5 << 20;
    private static final ObjectSettings STANDARD = new ObjectSettings(StorageClass.STANDARD, null, null, null,
            ModelEncoding.IDENTITY);

    private static S3ProxyBackend server;
    private static S3Client s3;
    private static ExecutorService parts;

    @BeforeAll
    static void start() {
        server = S3ProxyBackend.inMemory();
        s3 = server.client();
        s3.createBucket(b -> b.bucket(BUCKET));
        parts = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() throws Exception {
        parts.shutdownNow();
        s3.close();
        server.close();
    }

    /** One part (a single PUT) or three (a multipart upload), of the expected size, of an unknown one, or larger. */
    @ParameterizedTest
    @CsvSource({"0, 0", "1024, 1024", "1024, -1", "1024, 10", "10485760, 1024", "10486784, 10486784", "10486784, -1"})
    void createsTheObjectWithItsUploadTokenAndReportsItsSize(int size, long expected) throws IOException {
        String key = "models/b/m/model_" + size + "_" + expected + ".pkl";
        byte[] model = TestData.randomBytes(size);
        ObjectSink sink = sink(key, expected);
        sink.write(model);

        ObjectSink.StoredObject stored = sink.finish();

        assertThat(stored.storedBytes()).isEqualTo(size);
        assertThat(s3.headObject(b -> b.bucket(BUCKET).key(key)).metadata()).containsKey(ObjectSink.TOKEN);
        assertThat(TestData.sha256(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray()))
                .isEqualTo(TestData.sha256(model));
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 2 * PART_SIZE + 1024})
    void refusesAKeyAnotherWriterTookAndLeavesItsObjectAndNoMultipartUpload(int size) throws IOException {
        String key = "models/b/m/model_taken_" + size + ".pkl";
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("another writer's"));
        ObjectSink sink = sink(key, size);
        sink.write(TestData.randomBytes(size));

        assertThatThrownBy(sink::finish).isInstanceOf(PreconditionFailedException.class);
        sink.abort();

        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String()).isEqualTo("another writer's");
        assertThat(s3.listMultipartUploads(b -> b.bucket(BUCKET).prefix(key)).uploads()).isEmpty();
    }

    @Test
    void aSmallModelIsHeldInAnArrayOfItsOwnSizeNotInAPartBuffer() throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] model = TestData.randomBytes(4096);
        ObjectSink sink = sink("models/b/m/model_small.pkl", model.length);

        long before = threads.getCurrentThreadAllocatedBytes();
        sink.write(model);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        sink.finish();

        assertThat(allocated).isLessThan(64 * 1024);
    }

    private static ObjectSink sink(String key, long expectedBytes) {
        S3CircuitBreaker breaker = new S3CircuitBreaker("S3", new CircuitBreakerProperties(true, 5, Duration.ofSeconds(30),
                Duration.ofSeconds(10)));
        ObjectRequests operations = new ObjectRequests(s3, new S3Location(BUCKET, "models/", "us-east-1", false, PART_SIZE),
                new MissingPermissions(), breaker, 0);
        return new ObjectSink(operations, key, "application/octet-stream", null, STANDARD, PART_SIZE, expectedBytes, 2,
                new PartBuffers(3), new WritesInProgress(), parts, Duration.ofSeconds(10));
    }
}
