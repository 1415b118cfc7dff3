package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import io.anomstack.modelstore.support.TestData;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.HashMap;
import java.util.Map;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process killed between a version's metadata document and the latest pointer leaves latest on the previous version;
 * the sweep moves it on. The kill cannot be timed into that window, so the test lays out what it leaves: the pointer
 * still on the previous version, written before the newest document.
 */
class LatestCatchUpIT {

    @Test
    void theSweepMovesALatestPointerLeftBehindItsNewestVersionAndLeavesOthersAlone() throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory(); S3Client s3 = backend.client()) {
            String bucket = backend.createBucket("catch-up");
            Map<String, Object> properties = new HashMap<>(backend.serviceProperties(bucket));
            // Run by the test, not on a schedule; latest read from S3 every time, as another replica would.
            properties.put("modelstore.s3.multipart-sweep.interval", "0s");
            properties.put("modelstore.cache.enabled", "false");
            try (RunningService service = RunningService.start(properties)) {
                ModelStoreClient client = new ModelStoreClient(service);
                String batch = TestData.batch();
                String first = upload(client, batch, "cpu");
                String pointerKey = "models/" + batch + "/cpu/" + S3KeyLayout.LATEST_FILE;
                byte[] pointerOnFirst = s3.getObjectAsBytes(b -> b.bucket(bucket).key(pointerKey)).asByteArray();
                String second = upload(client, batch, "cpu");
                String untouched = upload(client, batch, "mem");
                StaleUploadSweep sweep = service.context().getBean(StaleUploadSweep.class);
                MeterRegistry meters = service.context().getBean(MeterRegistry.class);

                assertThat(sweep.run()).as("nothing to do while every pointer is on its newest version").isZero();

                s3.putObject(b -> b.bucket(bucket).key(pointerKey), RequestBody.fromBytes(pointerOnFirst));
                // S3 lists modification times in whole seconds: the document must be written a second later.
                Thread.sleep(1100);
                String documentKey = "models/" + batch + "/cpu/metadata_" + second + ".json";
                byte[] document = s3.getObjectAsBytes(b -> b.bucket(bucket).key(documentKey)).asByteArray();
                s3.putObject(b -> b.bucket(bucket).key(documentKey), RequestBody.fromBytes(document));
                assertThat(latest(client, batch, "cpu")).as("what the kill leaves").isEqualTo(first);

                assertThat(sweep.run()).isEqualTo(1);

                assertThat(latest(client, batch, "cpu")).isEqualTo(second);
                assertThat(latest(client, batch, "mem")).isEqualTo(untouched);
                assertThat(meters.get("modelstore.latest.caught_up").counter().count()).isEqualTo(1);
                assertThat(sweep.run()).as("a second sweep").isZero();
            }
        }
    }

    private static String upload(ModelStoreClient client, String batch, String metric) {
        return json(client.uploadRaw(batch, metric, null, TestData.randomBytes(2048), null).body()).get("version").asString();
    }

    private static String latest(ModelStoreClient client, String batch, String metric) {
        return client.getJson(ModelStoreClient.path(batch, metric, null, "/latest/metadata")).get("version").asString();
    }
}
