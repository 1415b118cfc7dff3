package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.s3.CircuitBreakerProperties;
import io.anomstack.modelstore.s3.MissingPermissions;
import io.anomstack.modelstore.s3.ObjectRequests;
import io.anomstack.modelstore.s3.S3CircuitBreaker;
import io.anomstack.modelstore.s3.S3Location;
import io.anomstack.modelstore.support.DenyRequests;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StaleUploadSweepTest {

    private static final String BUCKET = "sweep";
    private static final Duration DAY = Duration.ofHours(24);

    private static S3ProxyBackend server;
    private final WritesInProgress active = new WritesInProgress();
    private final MissingPermissions missing = new MissingPermissions();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() {
        server = S3ProxyBackend.inMemory();
        try (S3Client s3 = server.client()) {
            s3.createBucket(b -> b.bucket(BUCKET));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void emptyBucket() {
        try (S3Client s3 = server.client()) {
            uploads(s3, "").forEach(upload -> s3.abortMultipartUpload(b -> b.bucket(BUCKET).key(upload.key())
                    .uploadId(upload.uploadId())));
            keys(s3).forEach(key -> s3.deleteObject(b -> b.bucket(BUCKET).key(key)));
        }
    }

    @Test
    void abortsUploadsOlderThanTheMaxAgeUnderEveryPrefixOnceButNeverOneThisInstanceIsSending() {
        try (S3Client s3 = server.client()) {
            String abandoned = begin(s3, "models/b/m/model_1.pkl");
            String ofAnotherTarget = begin(s3, "models/team/b/m/model_2.pkl");
            String running = begin(s3, "models/b/m/model_3.pkl");
            String outsidePrefixes = begin(s3, "elsewhere/model_4.pkl");
            active.started(running);

            int aborted = sweep(s3, Clock.offset(Clock.systemUTC(), DAY.plusHours(1)), "models/", "models/team/").run();

            assertThat(aborted).isEqualTo(2);
            assertThat(uploads(s3, "").stream().map(MultipartUpload::uploadId))
                    .containsExactlyInAnyOrder(running, outsidePrefixes)
                    .doesNotContain(abandoned, ofAnotherTarget);
            assertThat(meters.get("modelstore.multipart.aborted").counter().count()).isEqualTo(2);
        }
    }

    @Test
    void deletesModelObjectsOfTheServiceThatNoMetadataDocumentNamesButNeverOneThisInstanceIsWriting() {
        try (S3Client s3 = server.client()) {
            put(s3, "models/b/m/model_20250101_000000.pkl", "models/b/m/metadata_20250101_000000.json",
                    "models/b/m/_latest.json", "models/b/m/model_20250102_000000.pkl",
                    "models/b/m/t/model_20250103_000000_01.onnx", "models/b/m/model_20250104_000000.pkl",
                    "models/b/m/model_notes.txt", "models/team/b/m/model_20250105_000000.pkl", "elsewhere/model_20250106_000000.pkl");
            s3.putObject(b -> b.bucket(BUCKET).key("models/b/m/model_20250107_000000.pkl"),
                    RequestBody.fromString("written by another tool, without the service's upload token"));
            active.writing("models/b/m/model_20250104_000000.pkl");

            int removed = sweep(s3, Clock.offset(Clock.systemUTC(), DAY.plusHours(1)), "models/", "models/team/").run();

            assertThat(removed).isEqualTo(3);
            assertThat(keys(s3)).containsExactlyInAnyOrder("models/b/m/model_20250101_000000.pkl",
                    "models/b/m/metadata_20250101_000000.json", "models/b/m/_latest.json",
                    "models/b/m/model_20250104_000000.pkl", "models/b/m/model_notes.txt",
                    "models/b/m/model_20250107_000000.pkl", "elsewhere/model_20250106_000000.pkl");
            assertThat(meters.get("modelstore.orphans.deleted").counter().count()).isEqualTo(3);
        }
    }

    @Test
    void orphansYoungerThanTheMaxAgeStay() {
        try (S3Client s3 = server.client()) {
            put(s3, "models/b/m/model_20250102_000000.pkl");

            assertThat(sweep(s3, Clock.systemUTC(), "models/").run()).isZero();
            assertThat(keys(s3)).containsExactly("models/b/m/model_20250102_000000.pkl");
        }
    }

    @Test
    void uploadsYoungerThanTheMaxAgeStay() {
        try (S3Client s3 = server.client()) {
            begin(s3, "models/b/m/model_1.pkl");

            assertThat(sweep(s3, Clock.systemUTC(), "models/").run()).isZero();
            assertThat(uploads(s3, "models/")).hasSize(1);
        }
    }

    @Test
    void aDeniedListingIsReportedAsAMissingPermissionNeverThrown() {
        try (S3Client s3 = server.client(List.of(new DenyRequests(ListMultipartUploadsRequest.class)))) {
            assertThat(sweep(s3, Clock.offset(Clock.systemUTC(), DAY.plusHours(1)), "models/").run()).isZero();
            assertThat(missing.missing()).containsExactly("s3:ListBucketMultipartUploads on " + BUCKET);
        }
    }

    private StaleUploadSweep sweep(S3Client s3, Clock clock, String... prefixes) {
        S3CircuitBreaker breaker = new S3CircuitBreaker("S3", new CircuitBreakerProperties(true, 5, Duration.ofSeconds(30),
                Duration.ofSeconds(10)));
        List<BatchPlacement> targets = Arrays.stream(prefixes)
                .map(prefix -> new BatchPlacement(BUCKET, "us-east-1", prefix)).toList();
        BatchPlacement.PerBatch placement = new BatchPlacement.PerBatch() {
            @Override
            public BatchPlacement forBatch(String batch) {
                return targets.get(0);
            }

            @Override
            public List<BatchPlacement> all() {
                return targets;
            }
        };
        LocationStores stores = new LocationStores(placement, where -> new LocationStore(new ObjectRequests(s3,
                new S3Location(where.bucket(), where.prefix(), where.region(), false, 8 << 20), missing, breaker, 0),
                new S3KeyLayout(where.prefix()), null, null, null, null, null, null));
        DescriptorCodec codec = new DescriptorCodec(JsonMapper.builder().build());
        BatchFolderSweep batchFolders = new BatchFolderSweep(stores, active, codec, new SupersededVersions(false), meters);
        return new StaleUploadSweep(stores, active, batchFolders, new MultipartSweepProperties(Duration.ofHours(1), DAY),
                clock, meters);
    }

    private static String begin(S3Client s3, String key) {
        return s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
    }

    /** Objects as the service writes them, with an upload token. */
    private static void put(S3Client s3, String... keys) {
        for (String key : keys) {
            s3.putObject(b -> b.bucket(BUCKET).key(key).metadata(Map.of(ObjectSink.TOKEN, "upload-of-" + key)),
                    RequestBody.fromString(key));
        }
    }

    private static List<String> keys(S3Client s3) {
        return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream().map(S3Object::key).toList();
    }

    private static List<MultipartUpload> uploads(S3Client s3, String prefix) {
        return s3.listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix)).uploads();
    }
}
