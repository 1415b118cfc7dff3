package io.anomstack.modelstore.web.problem;

import io.anomstack.modelstore.web.ModelControllerWebTest;
import io.anomstack.modelstore.web.download.ModelDownloads;
import io.anomstack.modelstore.web.upload.UploadRequestReader;
import io.anomstack.modelstore.catalog.InvalidNameException;
import io.anomstack.modelstore.catalog.InvalidRequestException;
import io.anomstack.modelstore.catalog.ModelContent;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelNotFoundException;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.ModelStoreException;
import io.anomstack.modelstore.catalog.ModelTooLargeException;
import io.anomstack.modelstore.catalog.StoreAccessException;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import io.anomstack.modelstore.catalog.UploadInterruptedException;
import io.anomstack.modelstore.catalog.VersionConflictException;
import io.anomstack.modelstore.catalog.VersionId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Every failure reaches the client as an RFC 9457 problem detail saying what was wrong, never a stack trace. */
class ProblemDetailsAdviceTest extends ModelControllerWebTest {

    private static final String TYPE_BASE = "urn:anomstack:model-store:problem:";
    private static final ModelRef CPU = ModelRef.of("my_batch", "cpu_usage");
    private static final String LATEST_METADATA = "/api/v1/models/my_batch/cpu_usage/latest/metadata";
    private static final String LATEST = "/api/v1/models/my_batch/cpu_usage/latest";

    static Stream<Arguments> serviceErrors() {
        return Stream.of(
                Arguments.of(new InvalidNameException("metric", "a/b", "must match X"), 400, "invalid-name", "Invalid name"),
                Arguments.of(new InvalidRequestException("The metadata part is not valid JSON."), 400, "invalid-request", "Invalid request"),
                Arguments.of(new UploadInterruptedException("The upload ended after 3 of the 10 bytes.", null), 400,
                        "upload-interrupted", "Upload interrupted"),
                Arguments.of(ModelNotFoundException.model(CPU), 404, "not-found", "Not found"),
                Arguments.of(new ModelTooLargeException(1024), 413, "model-too-large", "Model too large"),
                Arguments.of(new VersionConflictException(CPU, VersionId.parse("20250131_235959")), 409, "version-conflict",
                        "Version conflict"),
                Arguments.of(new StoreUnavailableException("S3 is unavailable (503 SlowDown); retry shortly.", null), 503,
                        "s3-unavailable", "S3 unavailable"),
                Arguments.of(new StoreAccessException("S3 denied access (AccessDenied) to the bucket 'b' in region us-east-1.", null),
                        502, "s3-access", "S3 refused the service"),
                Arguments.of(new ModelStoreException("Some future failure.") { }, 500, "internal-error", "Internal error"));
    }

    @ParameterizedTest
    @MethodSource("serviceErrors")
    void eachServiceErrorIsAProblemDetailWithItsStatus(ModelStoreException error, int status, String type, String title)
            throws Exception {
        when(catalog.latest(CPU)).thenThrow(error);

        mvc.perform(get(LATEST_METADATA))
                .andExpect(status().is(status))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(TYPE_BASE + type))
                .andExpect(jsonPath("$.title").value(title))
                .andExpect(jsonPath("$.status").value(status))
                .andExpect(jsonPath("$.detail").value(error.getMessage()))
                .andExpect(jsonPath("$.instance").value(LATEST_METADATA));
    }

    @Test
    void anUnavailableStoreAnswers503WithRetryAfter() throws Exception {
        when(catalog.batches()).thenThrow(new StoreUnavailableException("S3 could not be reached; retry shortly.", null));

        mvc.perform(get("/api/v1/models"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string(HttpHeaders.RETRY_AFTER, "5"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("S3 could not be reached; retry shortly."));
    }

    @Test
    void aStoreRefusingTheServiceAnswers502WithoutRetryAfter() throws Exception {
        when(catalog.batches()).thenThrow(new StoreAccessException("S3 denied access to the bucket 'b' in region us-east-1.", null));

        mvc.perform(get("/api/v1/models"))
                .andExpect(status().isBadGateway())
                .andExpect(header().doesNotExist(HttpHeaders.RETRY_AFTER))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(TYPE_BASE + "s3-access"));
    }

    @ParameterizedTest
    @ValueSource(classes = {RuntimeException.class, IllegalStateException.class, NullPointerException.class,
            UnsupportedOperationException.class})
    void anUnexpectedFailureIsA500ThatRevealsNothingOfTheServicesInside(Class<? extends RuntimeException> type)
            throws Exception {
        RuntimeException failure = type.getConstructor(String.class)
                .newInstance("secret detail from com.example.internal.Thing at line 42");
        when(catalog.latest(CPU)).thenThrow(failure);

        MvcResult result = mvc.perform(get(LATEST_METADATA))
                .andExpect(status().isInternalServerError())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(TYPE_BASE + "internal-error"))
                .andExpect(jsonPath("$.title").value("Internal error"))
                .andExpect(jsonPath("$.status").value(500))
                .andExpect(jsonPath("$.instance").value(LATEST_METADATA))
                .andExpect(jsonPath("$.detail").value(containsString("failed unexpectedly")))
                .andReturn();

        assertThat(result.getResponse().getContentAsString())
                .doesNotContain(type.getSimpleName(), "Exception", "secret detail", "com.example", "java.", "\tat ",
                        "trace");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/api/v1/models/.hidden/cpu_usage/latest/metadata",
            "/api/v1/models/my%20batch/cpu_usage/latest/metadata",
            "/api/v1/models/my_batch/-cpu/latest/metadata",
            "/api/v1/models/my_batch/cpu_usage/latest/metadata?tag=model_pca",
            "/api/v1/models/my_batch/cpu_usage/latest/metadata?tag=..",
            "/api/v1/models/my_batch/cpu_usage/versions/latest/metadata",
            "/api/v1/models/my_batch/cpu_usage/versions/20250131_235959.pkl",
            "/api/v1/models/my_batch/cpu_usage/latest?tag=_x",
            "/api/v1/models/my_batch/cpu_%C3%BC/versions"})
    void anInvalidNameIsA400AndNeverReachesTheCatalog(String uri) throws Exception {
        mvc.perform(get(uri))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(TYPE_BASE + "invalid-name"))
                .andExpect(jsonPath("$.detail").value(containsString("Invalid ")));

        verifyNoInteractions(catalog);
    }

    @Test
    void anUploadWithAnInvalidNameIsA400AndStoresNothing() throws Exception {
        mvc.perform(post("/api/v1/models/my_batch/.cpu").contentType(MediaType.APPLICATION_OCTET_STREAM).content(new byte[]{1, 2, 3}))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(TYPE_BASE + "invalid-name"))
                .andExpect(jsonPath("$.detail").value(containsString("Invalid metric '.cpu'")));
        mvc.perform(post("/api/v1/models/my_batch/cpu_usage?tag=metadata_x").contentType(MediaType.APPLICATION_OCTET_STREAM)
                        .content(new byte[]{1, 2, 3}))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value(containsString("Invalid tag 'metadata_x'")));
        mvc.perform(delete("/api/v1/models/my_batch/cpu_usage/versions/yesterday"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value(containsString("Invalid version 'yesterday'")));

        verifyNoInteractions(catalog);
    }

    @Test
    void anUploadWithMalformedMetadataIsA400AndStoresNothing() throws Exception {
        mvc.perform(post("/api/v1/models/my_batch/cpu_usage").contentType(MediaType.APPLICATION_OCTET_STREAM)
                        .header(UploadRequestReader.METADATA_HEADER, "{not json").content(new byte[]{1, 2, 3}))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(TYPE_BASE + "invalid-request"))
                .andExpect(jsonPath("$.detail").value(containsString("X-Model-Metadata header is not valid JSON")));

        verifyNoInteractions(catalog);
    }

    @Test
    void aPageSizeOutOfRangeIsA400() throws Exception {
        mvc.perform(get("/api/v1/models/my_batch/cpu_usage/versions?limit=0"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(TYPE_BASE + "invalid-request"))
                .andExpect(jsonPath("$.detail").value("limit must be between 1 and 1000, not 0."));

        verifyNoInteractions(catalog);
    }

    @Test
    void aParameterOfTheWrongTypeIsA400ProblemDetail() throws Exception {
        mvc.perform(get("/api/v1/models/my_batch/cpu_usage/versions?limit=many"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.title").exists())
                .andExpect(jsonPath("$.instance").value("/api/v1/models/my_batch/cpu_usage/versions"));

        verifyNoInteractions(catalog);
    }

    @Test
    void anUnknownRouteIsA404ProblemDetail() throws Exception {
        mvc.perform(get("/api/v1/nothing-here"))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(404))
                .andExpect(jsonPath("$.title").value("Not Found"))
                .andExpect(jsonPath("$.instance").value("/api/v1/nothing-here"));
    }

    @Test
    void aWrongMethodIsA405ProblemDetailListingTheAllowedOnes() throws Exception {
        mvc.perform(put("/api/v1/models/my_batch/cpu_usage").contentType(MediaType.APPLICATION_OCTET_STREAM).content(new byte[]{1}))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(header().string(HttpHeaders.ALLOW, containsString("POST")))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(405))
                .andExpect(jsonPath("$.title").value("Method Not Allowed"))
                .andExpect(jsonPath("$.instance").value("/api/v1/models/my_batch/cpu_usage"));

        verifyNoInteractions(catalog);
    }

    @ParameterizedTest
    @ValueSource(strings = {MediaType.APPLICATION_OCTET_STREAM_VALUE, MediaType.ALL_VALUE, "application/octet-stream, */*;q=0.1",
            MediaType.APPLICATION_JSON_VALUE})
    void aFailedDownloadAnswersAProblemDetailWhateverTheClientAccepts(String accept) throws Exception {
        when(catalog.latest(CPU)).thenThrow(ModelNotFoundException.model(CPU));

        mvc.perform(get(LATEST).header(HttpHeaders.ACCEPT, accept))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(TYPE_BASE + "not-found"))
                .andExpect(jsonPath("$.detail").value("Model my_batch/cpu_usage has no versions."))
                .andExpect(jsonPath("$.instance").value(LATEST));
    }

    @Test
    void frameworkErrorsAnswerProblemDetailsEvenToClientsAcceptingOnlyBytes() throws Exception {
        mvc.perform(get("/api/v1/models/my_batch/cpu_usage/latest/nothing").header(HttpHeaders.ACCEPT, MediaType.APPLICATION_OCTET_STREAM_VALUE))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(404));
        mvc.perform(patch(LATEST).header(HttpHeaders.ACCEPT, MediaType.APPLICATION_OCTET_STREAM_VALUE))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(405));

        verifyNoInteractions(catalog);
    }

    @Test
    void aDownloadFailingToOpenTheModelAnswersAProblemDetailWithoutTheModelsHeaders() throws Exception {
        ModelDescriptor latest = descriptor();
        when(catalog.latest(CPU)).thenReturn(latest);
        when(catalog.open(latest)).thenThrow(new StoreUnavailableException("S3 could not be reached; retry shortly.", null));

        MvcResult result = mvc.perform(get(LATEST).header(HttpHeaders.ACCEPT, MediaType.APPLICATION_OCTET_STREAM_VALUE))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string(HttpHeaders.RETRY_AFTER, "5"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("S3 could not be reached; retry shortly."))
                .andExpect(header().doesNotExist(HttpHeaders.CONTENT_DISPOSITION))
                .andExpect(header().doesNotExist(HttpHeaders.ETAG))
                .andExpect(header().doesNotExist(ModelDownloads.VERSION_HEADER))
                .andExpect(header().doesNotExist(ModelDownloads.SHA256_HEADER))
                .andReturn();

        String contentLength = result.getResponse().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (contentLength != null) {
            assertThat(Long.parseLong(contentLength))
                    .as("Content-Length must describe the problem detail, not the model")
                    .isEqualTo(result.getResponse().getContentAsByteArray().length);
        }
    }

    @Test
    void aDownloadFailingBeforeItsFirstByteWasSentAnswersACleanProblemDetail() throws Exception {
        ModelDescriptor latest = descriptor();
        when(catalog.latest(CPU)).thenReturn(latest);
        when(catalog.open(latest)).thenReturn(new ModelContent(latest, new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("Connection reset by S3");
            }
        }));

        MvcResult result = mvc.perform(get(LATEST).header(HttpHeaders.ACCEPT, MediaType.APPLICATION_OCTET_STREAM_VALUE))
                .andExpect(status().isInternalServerError())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(TYPE_BASE + "internal-error"))
                .andExpect(header().doesNotExist(HttpHeaders.CONTENT_DISPOSITION))
                .andExpect(header().doesNotExist(HttpHeaders.ETAG))
                .andExpect(header().doesNotExist(ModelDownloads.VERSION_HEADER))
                .andReturn();

        assertThat(result.getResponse().getContentAsString()).doesNotContain("Connection reset", "IOException");
        String contentLength = result.getResponse().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (contentLength != null) {
            assertThat(Long.parseLong(contentLength)).isEqualTo(result.getResponse().getContentAsByteArray().length);
        }
    }

    @Test
    void aSuccessfulDownloadStreamsTheModel() throws Exception {
        ModelDescriptor latest = descriptor();
        when(catalog.latest(CPU)).thenReturn(latest);
        when(catalog.open(any())).thenReturn(new ModelContent(latest, new ByteArrayInputStream(new byte[]{1, 2, 3})));

        mvc.perform(get(LATEST).header(HttpHeaders.ACCEPT, MediaType.APPLICATION_OCTET_STREAM_VALUE))
                .andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.APPLICATION_OCTET_STREAM))
                .andExpect(content().bytes(new byte[]{1, 2, 3}))
                .andExpect(header().string(ModelDownloads.VERSION_HEADER, "20250131_235959"))
                .andExpect(header().string(HttpHeaders.ETAG, "\"" + latest.sha256() + "\""))
                .andExpect(header().string(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"model_20250131_235959.pkl\""));
    }

    private static ModelDescriptor descriptor() {
        return new ModelDescriptor("my_batch", "cpu_usage", null, "20250131_235959", Instant.parse("2025-01-31T23:59:59Z"),
                3, 3, "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", "application/octet-stream",
                "identity", "STANDARD", null, "bucket", "models/my_batch/cpu_usage/model_20250131_235959.pkl", Map.of(), null);
    }
}
