package io.anomstack.modelstore.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The service started as a process of its own (its own heap, its own environment), from the tests' class path. */
public final class ForkedService {

    private ForkedService() {
    }

    /** Waits until the process answers its health check, failing with its log when it exits or never gets there. */
    public static void awaitHealthy(HttpClient http, URI base, Process service, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(service.isAlive()).as("service exited:%n%s", Files.readString(log)).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("/actuator/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(250);
        }
        throw new AssertionError("The service did not become healthy:\n" + Files.readString(log));
    }
}
