package io.anomstack.modelstore.web.download;

import io.anomstack.modelstore.web.ModelControllerWebTest;
import io.anomstack.modelstore.catalog.ModelContent;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.VersionId;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.Map;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.head;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Downloads stream the model with headers that name and validate it; HEAD and 304 never read the bytes. */
class ModelDownloadsTest extends ModelControllerWebTest {

    private static final ModelRef CPU = ModelRef.of("my_batch", "cpu_usage");
    private static final String LATEST = "/api/v1/models/my_batch/cpu_usage/latest";
    private static final ModelDescriptor VERSION = new ModelDescriptor("my_batch", "cpu_usage", null, "20250131_235959",
            Instant.parse("2025-01-31T23:59:59Z"), 3, 3, "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81",
            "application/octet-stream", "identity", "STANDARD", null, "bucket",
            "models/my_batch/cpu_usage/model_20250131_235959.joblib", Map.of(), null);
    private static final String ETAG = "\"" + VERSION.sha256() + "\"";

    @Test
    void streamsTheModelWithItsVersionChecksumAndFileName() throws Exception {
        when(catalog.version(CPU, VersionId.parse("20250131_235959"))).thenReturn(VERSION);
        when(catalog.open(VERSION)).thenReturn(new ModelContent(VERSION, new ByteArrayInputStream(new byte[]{1, 2, 3})));

        mvc.perform(get("/api/v1/models/my_batch/cpu_usage/versions/20250131_235959"))
                .andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.APPLICATION_OCTET_STREAM))
                .andExpect(content().bytes(new byte[]{1, 2, 3}))
                .andExpect(header().longValue(HttpHeaders.CONTENT_LENGTH, 3))
                .andExpect(header().string(HttpHeaders.ETAG, ETAG))
                .andExpect(header().string(ModelDownloads.VERSION_HEADER, "20250131_235959"))
                .andExpect(header().string(ModelDownloads.SHA256_HEADER, VERSION.sha256()))
                .andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-cache"))
                .andExpect(header().string(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"model_20250131_235959.joblib\""));
    }

    @Test
    void headAnswersTheHeadersWithoutReadingTheModel() throws Exception {
        when(catalog.latest(CPU)).thenReturn(VERSION);

        mvc.perform(head(LATEST))
                .andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.APPLICATION_OCTET_STREAM))
                .andExpect(header().longValue(HttpHeaders.CONTENT_LENGTH, 3))
                .andExpect(header().string(HttpHeaders.ETAG, ETAG))
                .andExpect(header().string(ModelDownloads.VERSION_HEADER, "20250131_235959"))
                .andExpect(header().exists(HttpHeaders.CONTENT_DISPOSITION));

        verify(catalog, never()).open(any());
    }

    @Test
    void aMatchingIfNoneMatchAnswers304WithoutReadingTheModel() throws Exception {
        when(catalog.latest(CPU)).thenReturn(VERSION);

        mvc.perform(get(LATEST).header(HttpHeaders.IF_NONE_MATCH, "\"other\", " + ETAG))
                .andExpect(status().isNotModified())
                .andExpect(header().string(HttpHeaders.ETAG, ETAG))
                .andExpect(header().string(ModelDownloads.VERSION_HEADER, "20250131_235959"))
                .andExpect(header().doesNotExist(HttpHeaders.CONTENT_DISPOSITION))
                .andExpect(content().bytes(new byte[0]));

        verify(catalog, never()).open(any());
    }
}
