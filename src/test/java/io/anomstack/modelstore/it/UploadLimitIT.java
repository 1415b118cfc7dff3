package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.ModelStoreClient;
import io.anomstack.modelstore.support.RunningService;
import io.anomstack.modelstore.support.S3ProxyBackend;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static io.anomstack.modelstore.support.ModelStoreClient.json;
import static io.anomstack.modelstore.support.TestData.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/** Beyond its limit of concurrent uploads the service answers 429 at once, and takes uploads again when one ends. */
class UploadLimitIT {

    @Test
    void anUploadBeyondTheLimitIsAskedToRetryAndNothingOfItIsStored() throws Exception {
        try (S3ProxyBackend backend = S3ProxyBackend.inMemory()) {
            Map<String, Object> properties = new HashMap<>(backend.serviceProperties(backend.createBucket("limits")));
            properties.put("modelstore.max-concurrent-uploads", "1");
            try (RunningService service = RunningService.start(properties)) {
                ModelStoreClient client = new ModelStoreClient(service);
                Socket slow = null;
                HttpResponse<String> refused = null;
                // A slow upload takes the only slot: its headers and a first chunk are in, the rest is still coming.
                // Should the second upload overtake it to the slot, the slow one is refused instead: start again.
                for (int attempt = 0; attempt < 20 && refused == null; attempt++) {
                    if (slow != null) {
                        slow.close();
                        client.delete("/api/v1/models/limits/fast");
                    }
                    slow = startSlowUpload(service.port());
                    Thread.sleep(200);
                    HttpResponse<String> second = client.uploadRaw("limits", "fast", null, randomBytes(10), null);
                    if (second.statusCode() == 429) {
                        refused = second;
                    }
                }
                assertThat(refused).as("an upload refused while another held the slot").isNotNull();
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
                assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
                assertThat(json(refused.body()).get("type").asString())
                        .isEqualTo("urn:anomstack:model-store:problem:too-many-uploads");
                assertThat(client.get("/api/v1/models/limits/fast/latest").statusCode()).isEqualTo(404);
                // Reads are never limited.
                assertThat(client.get("/api/v1/models").statusCode()).isEqualTo(200);

                OutputStream out = slow.getOutputStream();
                out.write("6\r\n world\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(statusLine(slow.getInputStream())).contains(" 201 ");
                slow.close();
                assertThat(client.download("/api/v1/models/limits/slow/latest").body())
                        .isEqualTo("hello world".getBytes(StandardCharsets.US_ASCII));
                assertThat(client.uploadRaw("limits", "fast", null, randomBytes(10), null).statusCode()).isEqualTo(201);
            }
        }
    }

    private static Socket startSlowUpload(int port) throws Exception {
        Socket slow = new Socket("127.0.0.1", port);
        OutputStream out = slow.getOutputStream();
        out.write(("POST /api/v1/models/limits/slow HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return slow;
    }

    private static String statusLine(InputStream in) throws Exception {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString();
    }
}
