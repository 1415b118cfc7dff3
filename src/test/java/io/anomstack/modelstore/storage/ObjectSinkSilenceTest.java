package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelEncoding;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import io.anomstack.modelstore.s3.CircuitBreakerProperties;
import io.anomstack.modelstore.s3.MissingPermissions;
import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.ObjectSettings;
import io.anomstack.modelstore.s3.S3CircuitBreaker;
import io.anomstack.modelstore.s3.S3Location;
import io.anomstack.modelstore.support.TestData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The silence bound applies to bytes, not to requests: a part S3 takes slowly, but steadily, goes up however long it
 * takes; a part S3 stops taking (a hung S3 with full socket buffers, where no read timeout helps) fails the upload
 * after the bound instead of holding it forever. S3 is an HTTP client stand-in that reads part bodies at a set pace.
 */
class ObjectSinkSilenceTest {

    private static final int PART_SIZE = 512 * 1024;
    private static final int CHUNK = 16 * 1024;
    private static final Duration SILENCE = Duration.ofSeconds(1);
    private static final ObjectSettings STANDARD = new ObjectSettings(StorageClass.STANDARD, null, null, null,
            ModelEncoding.IDENTITY);

    private final ExecutorService parts = Executors.newFixedThreadPool(4);
    private final CountDownLatch released = new CountDownLatch(1);

    @AfterEach
    void release() {
        released.countDown();
        parts.shutdownNow();
    }

    @Test
    void partsThatEachTakeLongerThanTheSilenceBoundButKeepMovingAreNotCut() throws IOException {
        // 16 KiB every 50 ms: about 1.6 s per part, each longer than the 1 s bound.
        PacedS3 s3 = new PacedS3(50, Long.MAX_VALUE);
        ObjectSink sink = sink(s3);
        sink.write(TestData.randomBytes(2 * PART_SIZE + 1024));

        long started = System.nanoTime();
        ObjectSink.StoredObject stored = sink.finish();

        assertThat(stored.storedBytes()).isEqualTo(2L * PART_SIZE + 1024);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(SILENCE);
        assertThat(s3.bodyBytes.get()).isGreaterThanOrEqualTo(2L * PART_SIZE + 1024);
    }

    @Test
    void aPartS3StopsTakingFailsTheUploadAfterTheSilenceBoundAndTheAbortDoesNotWaitForIt() throws IOException {
        PacedS3 s3 = new PacedS3(0, 4 * CHUNK);
        ObjectSink sink = sink(s3);
        sink.write(TestData.randomBytes(PART_SIZE + 1024));

        long started = System.nanoTime();
        assertThatThrownBy(sink::finish).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("took no byte of the part for 1s");
        Duration failedAfter = Duration.ofNanos(System.nanoTime() - started);
        sink.abort();
        Duration abortedAfter = Duration.ofNanos(System.nanoTime() - started);

        assertThat(failedAfter).isGreaterThan(SILENCE).isLessThan(SILENCE.plusSeconds(2));
        assertThat(abortedAfter).isLessThan(SILENCE.plusSeconds(4));
    }

    private ObjectSink sink(PacedS3 http) {
        S3Client s3 = S3Client.builder()
                .httpClient(http)
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://s3.test"))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")))
                .build();
        S3CircuitBreaker breaker = new S3CircuitBreaker("S3", new CircuitBreakerProperties(true, 5, Duration.ofSeconds(30),
                Duration.ofSeconds(10)));
        ObjectRequests operations = new ObjectRequests(s3, new S3Location("sink", "models/", "us-east-1", false, PART_SIZE),
                new MissingPermissions(), breaker, 0);
        return new ObjectSink(operations, "models/b/m/model.pkl", "application/octet-stream", null, STANDARD, PART_SIZE,
                -1, 2, new PartBuffers(3), new WritesInProgress(), parts, SILENCE);
    }

    /**
     * Just enough of S3 for a multipart upload: it reads request bodies {@value #CHUNK} bytes at a time, {@code pauseMillis}
     * apart, and after {@code takesAtMost} bytes of one body takes no more until the test ends.
     */
    private final class PacedS3 implements SdkHttpClient {

        private final long pauseMillis;
        private final long takesAtMost;
        private final AtomicLong bodyBytes = new AtomicLong();

        PacedS3(long pauseMillis, long takesAtMost) {
            this.pauseMillis = pauseMillis;
            this.takesAtMost = takesAtMost;
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    var query = request.httpRequest().rawQueryParameters();
                    if (query.containsKey("uploads")) {
                        return answer("<InitiateMultipartUploadResult><Bucket>sink</Bucket><Key>k</Key>"
                                + "<UploadId>upload-1</UploadId></InitiateMultipartUploadResult>");
                    }
                    if (query.containsKey("partNumber")) {
                        take(request.contentStreamProvider().orElseThrow().newStream());
                        return answer("");
                    }
                    if (request.httpRequest().method() == SdkHttpMethod.POST) {
                        return answer("<CompleteMultipartUploadResult><ETag>\"object\"</ETag></CompleteMultipartUploadResult>");
                    }
                    return answer("");
                }

                @Override
                public void abort() {
                }
            };
        }

        private void take(InputStream body) throws IOException {
            byte[] chunk = new byte[CHUNK];
            long taken = 0;
            for (int n; (n = body.read(chunk)) != -1; ) {
                taken += n;
                bodyBytes.addAndGet(n);
                try {
                    if (taken >= takesAtMost) {
                        released.await();
                        throw new IOException("the test ended");
                    }
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }

        private HttpExecuteResponse answer(String xml) {
            return HttpExecuteResponse.builder()
                    .response(SdkHttpResponse.builder().statusCode(200).putHeader("ETag", "\"part\"").build())
                    .responseBody(AbortableInputStream.create(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))))
                    .build();
        }

        @Override
        public void close() {
        }
    }
}
