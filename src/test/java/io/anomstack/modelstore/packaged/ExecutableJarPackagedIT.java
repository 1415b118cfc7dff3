package io.anomstack.modelstore.packaged;

import io.anomstack.modelstore.support.ForkedService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar that ships starts with nothing configured and stores a model: the quick start, from the artifact itself. */
class ExecutableJarPackagedIT {

    @TempDir
    Path dir;

    @Test
    void theExecutableJarStartsInLocalModeAndStoresAModel() throws Exception {
        try (ForkedService service = ForkedService.fromJar().workingDirectory(dir).log(dir.resolve("service.log")).start()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> upload = http.send(HttpRequest.newBuilder(service.uri("/api/v1/models/jar/cpu"))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofString("weights")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);

            HttpResponse<String> latest = http.send(HttpRequest.newBuilder(service.uri("/api/v1/models/jar/cpu/latest")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(latest.statusCode()).isEqualTo(200);
            assertThat(latest.body()).isEqualTo("weights");
        }
    }
}
