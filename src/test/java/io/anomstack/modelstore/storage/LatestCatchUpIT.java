package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.TestData;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process killed between a version's metadata document and the latest pointer leaves latest on the previous version;
 * the sweep moves it on. The kill cannot be timed into that window, so the test lays out what it leaves: the pointer
 * still on the previous version, written before the newest document.
 */
class LatestCatchUpIT {

    private static final String BUCKET = "catch-up";

    @TempDir
    Path batches;

    @Test
    void theSweepMovesALatestPointerLeftBehindItsNewestVersionAndLeavesOthersAlone() throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory(); S3Client s3 = backend.client();
             RunningService service = start(backend)) {
            ModelStoreClient client = new ModelStoreClient(service);
            String batch = TestData.batch();
            String folder = "models/" + batch + "/cpu/";
            String first = upload(client, batch, "cpu");
            byte[] pointerOnFirst = pointer(s3, folder);
            String second = upload(client, batch, "cpu");
            String untouched = upload(client, batch, "mem");
            StaleUploadSweep sweep = service.context().getBean(StaleUploadSweep.class);
            assertThat(sweep.run()).as("nothing to do while every pointer is on its newest version").isZero();

            leaveLatestBehind(s3, folder, pointerOnFirst, second);
            assertThat(latest(client, batch, "cpu")).as("what the kill leaves").isEqualTo(first);

            assertThat(sweep.run()).isEqualTo(1);

            assertThat(latest(client, batch, "cpu")).isEqualTo(second);
            assertThat(latest(client, batch, "mem")).isEqualTo(untouched);
            assertThat(service.context().getBean(MeterRegistry.class).get("modelstore.latest.caught_up").counter().count())
                    .isEqualTo(1);
            assertThat(sweep.run()).as("a second sweep").isZero();
        }
    }

    /** The service's prefix is listed whole, batches of a target nested in it included: their own store moves them. */
    @Test
    void aBatchStoredUnderAPrefixNestedInTheServicesOwnIsMovedWhereItsStoreKeepsIt() throws Exception {
        Files.writeString(batches.resolve("nested.yaml"), """
                metric_batch: "nested"
                model_store: s3
                model_store_params:
                  prefix: "models/team/"
                """);
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory(); S3Client s3 = backend.client();
             RunningService service = start(backend)) {
            ModelStoreClient client = new ModelStoreClient(service);
            String folder = "models/team/nested/cpu/";
            String first = upload(client, "nested", "cpu");
            byte[] pointerOnFirst = pointer(s3, folder);
            String second = upload(client, "nested", "cpu");
            leaveLatestBehind(s3, folder, pointerOnFirst, second);
            List<String> before = keys(s3);
            assertThat(latest(client, "nested", "cpu")).isEqualTo(first);

            assertThat(service.context().getBean(StaleUploadSweep.class).run()).isEqualTo(1);

            assertThat(latest(client, "nested", "cpu")).isEqualTo(second);
            assertThat(keys(s3)).as("no pointer written anywhere else").isEqualTo(before);
        }
    }

    private RunningService start(S3ProxyBackend backend) {
        Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket(BUCKET)));
        // Run by the test, not on a schedule; latest read from S3 every time, as another replica would.
        properties.put("modelstore.s3.multipart-sweep.interval", "0s");
        properties.put("modelstore.cache.enabled", "false");
        properties.put("modelstore.batches-dir", batches.toString());
        return RunningService.start(properties);
    }

    private static byte[] pointer(S3Client s3, String folder) {
        return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(folder + S3KeyLayout.LATEST_FILE)).asByteArray();
    }

    /**
     * Puts the pointer of the model in {@code folder} back as it was, then writes the document of {@code version}
     * again a second later (S3 lists modification times in whole seconds): what a kill before the pointer's move leaves.
     */
    private static void leaveLatestBehind(S3Client s3, String folder, byte[] pointerBefore, String version)
            throws InterruptedException {
        s3.putObject(b -> b.bucket(BUCKET).key(folder + S3KeyLayout.LATEST_FILE), RequestBody.fromBytes(pointerBefore));
        Thread.sleep(1100);
        String documentKey = folder + "metadata_" + version + ".json";
        byte[] document = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(documentKey)).asByteArray();
        s3.putObject(b -> b.bucket(BUCKET).key(documentKey), RequestBody.fromBytes(document));
    }

    private static String upload(ModelStoreClient client, String batch, String metric) {
        return json(client.uploadRaw(batch, metric, null, TestData.randomBytes(2048), null).body()).get("version").asString();
    }

    private static String latest(ModelStoreClient client, String batch, String metric) {
        return client.getJson(ModelStoreClient.path(batch, metric, null, "/latest/metadata")).get("version").asString();
    }

    private static List<String> keys(S3Client s3) {
        return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream().map(S3Object::key).sorted().toList();
    }
}
