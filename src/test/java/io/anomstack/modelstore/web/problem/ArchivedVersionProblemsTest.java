package io.anomstack.modelstore.web.problem;

import io.anomstack.modelstore.web.ModelControllerWebTest;
import io.anomstack.modelstore.catalog.ArchiveState;
import io.anomstack.modelstore.catalog.ArchiveState.RestoreStatus;
import io.anomstack.modelstore.catalog.ModelArchivedException;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.RestoreResult;
import io.anomstack.modelstore.catalog.RestoreTier;
import io.anomstack.modelstore.catalog.StoreAccessException;
import io.anomstack.modelstore.catalog.VersionId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import java.time.Instant;
import java.util.Map;

import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** An archived version as the API client sees it: a 409 that says how to restore, and the restore endpoint. */
class ArchivedVersionProblemsTest extends ModelControllerWebTest {

    private static final String TYPE = "urn:anomstack:model-store:problem:model-archived";
    private static final ModelRef CPU = ModelRef.of("my_batch", "cpu_usage");
    private static final VersionId V1 = VersionId.parse("20250131_235959");
    private static final String VERSION = "/api/v1/models/my_batch/cpu_usage/versions/20250131_235959";

    @Test
    void downloadingAnArchivedVersionIsA409NamingTheArchiveTheRestoreRequestAndItsTimes() throws Exception {
        ModelDescriptor version = descriptor(null);
        when(catalog.version(CPU, V1)).thenReturn(version);
        when(catalog.open(version)).thenThrow(new ModelArchivedException(CPU, V1, ArchiveState.of("GLACIER", null, null, null)));

        mvc.perform(get(VERSION).header(HttpHeaders.ACCEPT, MediaType.APPLICATION_OCTET_STREAM_VALUE))
                .andExpect(status().isConflict())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(header().doesNotExist(HttpHeaders.ETAG))
                .andExpect(jsonPath("$.type").value(TYPE))
                .andExpect(jsonPath("$.title").value("Model archived"))
                .andExpect(jsonPath("$.status").value(409))
                .andExpect(jsonPath("$.detail").value(allOf(
                        containsString("Version 20250131_235959 of model my_batch/cpu_usage is archived in GLACIER"),
                        containsString("POST " + VERSION + "/restore?days=7&tier=Standard"),
                        containsString("Expedited 1-5 minutes, Standard 3-5 hours, Bulk 5-12 hours"),
                        containsString("GET " + VERSION + "/metadata"))))
                .andExpect(jsonPath("$.storage_class").value("GLACIER"))
                .andExpect(jsonPath("$.restore").value("none"))
                .andExpect(jsonPath("$.restore_url").value(VERSION + "/restore"))
                .andExpect(jsonPath("$.restore_tiers.Standard").value("3-5 hours"))
                .andExpect(jsonPath("$.access_tier").doesNotExist())
                .andExpect(jsonPath("$.instance").value(VERSION));
    }

    @Test
    void aTaggedModelInADeepArchiveWithARestoreUnderwayIsToldToWait() throws Exception {
        ModelRef tagged = new ModelRef("my_batch", "cpu_usage", "pca");
        when(catalog.latest(tagged)).thenThrow(new ModelArchivedException(tagged, V1,
                ArchiveState.of("INTELLIGENT_TIERING", "DEEP_ARCHIVE_ACCESS", RestoreStatus.IN_PROGRESS, null)));

        mvc.perform(get("/api/v1/models/my_batch/cpu_usage/latest?tag=pca"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value(TYPE))
                .andExpect(jsonPath("$.detail").value(allOf(containsString("A restore is in progress"), not(containsString("POST")),
                        containsString("GET " + VERSION + "/metadata?tag=pca"))))
                .andExpect(jsonPath("$.access_tier").value("DEEP_ARCHIVE_ACCESS"))
                .andExpect(jsonPath("$.restore").value("in_progress"))
                .andExpect(jsonPath("$.restore_url").value(VERSION + "/restore?tag=pca"))
                .andExpect(jsonPath("$.restore_tiers.Expedited").doesNotExist())
                .andExpect(jsonPath("$.restore_tiers.Bulk").value("within 48 hours"));
    }

    @Test
    void rollingBackToAnArchivedVersionIsA409() throws Exception {
        when(catalog.pinLatest(CPU, V1)).thenThrow(new ModelArchivedException(CPU, V1, ArchiveState.of("DEEP_ARCHIVE", null, null, null)));

        mvc.perform(put("/api/v1/models/my_batch/cpu_usage/latest").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"version\": \"20250131_235959\"}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value(TYPE))
                .andExpect(jsonPath("$.detail").value(containsString("(typical times: Standard within 12 hours, Bulk within 48 hours)")));
    }

    @Test
    void versionMetadataCarriesTheLiveArchiveState() throws Exception {
        when(catalog.describe(CPU, V1)).thenReturn(descriptor(ArchiveState.of("GLACIER", null, RestoreStatus.RESTORED,
                Instant.parse("2025-02-07T00:00:00Z"))));

        mvc.perform(get(VERSION + "/metadata"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.storage_class").value("STANDARD"))
                .andExpect(jsonPath("$.archive.storage_class").value("GLACIER"))
                .andExpect(jsonPath("$.archive.archived").value(true))
                .andExpect(jsonPath("$.archive.readable").value(true))
                .andExpect(jsonPath("$.archive.restore").value("restored"))
                .andExpect(jsonPath("$.archive.restored_until").value("2025-02-07T00:00:00Z"))
                .andExpect(jsonPath("$.archive.access_tier").doesNotExist());
    }

    @Test
    void aStartedOrRunningRestoreIs202AndARestoredVersionIs200() throws Exception {
        when(catalog.restore(CPU, V1, 3, RestoreTier.BULK)).thenReturn(new RestoreResult("my_batch", "cpu_usage", null,
                V1.value(), RestoreStatus.IN_PROGRESS, "Bulk", 3, "5-12 hours",
                ArchiveState.of("GLACIER", null, RestoreStatus.IN_PROGRESS, null)));
        when(catalog.restore(CPU, V1, 7, RestoreTier.STANDARD)).thenReturn(new RestoreResult("my_batch", "cpu_usage", null,
                V1.value(), RestoreStatus.RESTORED, "Standard", 7, "3-5 hours",
                ArchiveState.of("GLACIER", null, RestoreStatus.RESTORED, Instant.parse("2025-02-07T00:00:00Z"))));

        mvc.perform(post(VERSION + "/restore?days=3&tier=Bulk"))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("in_progress"))
                .andExpect(jsonPath("$.days").value(3))
                .andExpect(jsonPath("$.typical_duration").value("5-12 hours"));
        mvc.perform(post(VERSION + "/restore"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("restored"))
                .andExpect(jsonPath("$.archive.restored_until").value("2025-02-07T00:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"?days=0", "?days=3651", "?tier=Fast", "?days=many"})
    void aBadDaysOrTierIsA400ThatNeverReachesS3(String query) throws Exception {
        mvc.perform(post(VERSION + "/restore" + query))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));

        verifyNoInteractions(catalog);
    }

    @Test
    void aMissingRestorePermissionIsA502ThatSaysWhichOne() throws Exception {
        when(catalog.restore(CPU, V1, 7, RestoreTier.STANDARD)).thenThrow(new StoreAccessException(
                "The service may not restore objects in the bucket 'b' in region us-east-1: its IAM identity lacks s3:RestoreObject.", null));

        mvc.perform(post(VERSION + "/restore"))
                .andExpect(status().isBadGateway())
                .andExpect(jsonPath("$.type").value("urn:anomstack:model-store:problem:s3-access"))
                .andExpect(jsonPath("$.detail").value(containsString("s3:RestoreObject")));
    }

    private static ModelDescriptor descriptor(ArchiveState archive) {
        ModelDescriptor descriptor = new ModelDescriptor("my_batch", "cpu_usage", null, V1.value(), Instant.parse("2025-01-31T23:59:59Z"),
                3, 3, "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", "application/octet-stream",
                "identity", "STANDARD", null, "bucket", "models/my_batch/cpu_usage/model_20250131_235959.pkl", Map.of(), null);
        return archive == null ? descriptor : descriptor.withArchive(archive);
    }
}
