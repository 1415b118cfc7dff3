package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ArchiveState;
import io.anomstack.modelstore.catalog.ArchiveState.RestoreStatus;
import io.anomstack.modelstore.catalog.RestoreTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** HeadObject's storage class, x-amz-archive-status and x-amz-restore read as an archive state. */
class ObjectArchiveTest {

    @Test
    void s3OmitsTheStorageClassOfStandardObjects() {
        ArchiveState state = ObjectArchive.parse(null, null, null);

        assertThat(state.storageClass()).isEqualTo("STANDARD");
        assertThat(state.archived()).isFalse();
        assertThat(state.readable()).isTrue();
        assertThat(state.restore()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "INTELLIGENT_TIERING"})
    void instantAccessClassesAreNotArchived(String storageClass) {
        assertThat(ObjectArchive.parse(storageClass, null, null).readable()).isTrue();
    }

    @Test
    void aGlacierObjectWithoutRestoreIsArchivedAndUnreadable() {
        ArchiveState state = ObjectArchive.parse("GLACIER", null, null);

        assertThat(state.archived()).isTrue();
        assertThat(state.readable()).isFalse();
        assertThat(state.restore()).isEqualTo(RestoreStatus.NONE);
        assertThat(state.deep()).isFalse();
    }

    @Test
    void anOngoingRestoreIsInProgressAndStillUnreadable() {
        ArchiveState state = ObjectArchive.parse("DEEP_ARCHIVE", null, "ongoing-request=\"true\"");

        assertThat(state.restore()).isEqualTo(RestoreStatus.IN_PROGRESS);
        assertThat(state.readable()).isFalse();
        assertThat(state.deep()).isTrue();
    }

    @Test
    void aFinishedRestoreIsReadableUntilItsExpiry() {
        ArchiveState state = ObjectArchive.parse("GLACIER", null,
                "ongoing-request=\"false\", expiry-date=\"Fri, 21 Dec 2012 00:00:00 GMT\"");

        assertThat(state.archived()).isTrue();
        assertThat(state.readable()).isTrue();
        assertThat(state.restore()).isEqualTo(RestoreStatus.RESTORED);
        assertThat(state.restoredUntil()).isEqualTo(Instant.parse("2012-12-21T00:00:00Z"));
    }

    @Test
    void anUnreadableExpiryLeavesOnlyTheStatus() {
        ArchiveState state = ObjectArchive.parse("GLACIER", null, "ongoing-request=\"false\", expiry-date=\"soon\"");

        assertThat(state.restore()).isEqualTo(RestoreStatus.RESTORED);
        assertThat(state.restoredUntil()).isNull();
    }

    @Test
    void intelligentTieringArchiveTiersAreArchivedAndRestoreInPlace() {
        ArchiveState archiveAccess = ObjectArchive.parse("INTELLIGENT_TIERING", "ARCHIVE_ACCESS", null);
        ArchiveState deepAccess = ObjectArchive.parse("INTELLIGENT_TIERING", "DEEP_ARCHIVE_ACCESS", null);

        assertThat(archiveAccess.archived()).isTrue();
        assertThat(archiveAccess.readable()).isFalse();
        assertThat(archiveAccess.restoresInPlace()).isTrue();
        assertThat(archiveAccess.deep()).isFalse();
        assertThat(deepAccess.deep()).isTrue();
        assertThat(deepAccess.describe()).isEqualTo("INTELLIGENT_TIERING (DEEP_ARCHIVE_ACCESS tier)");
    }

    @Test
    void expeditedIsOfferedOnlyOutsideTheDeepArchives() {
        ArchiveState glacier = ObjectArchive.parse("GLACIER", null, null);
        ArchiveState deep = ObjectArchive.parse("DEEP_ARCHIVE", null, null);

        assertThat(RestoreTier.availableTiers(glacier)).containsExactly(RestoreTier.EXPEDITED, RestoreTier.STANDARD, RestoreTier.BULK);
        assertThat(RestoreTier.availableTiers(deep)).containsExactly(RestoreTier.STANDARD, RestoreTier.BULK);
        assertThat(RestoreTier.STANDARD.typicalDuration(glacier)).isEqualTo("3-5 hours");
        assertThat(RestoreTier.BULK.typicalDuration(deep)).isEqualTo("within 48 hours");
        assertThat(RestoreTier.parse("bulk")).isEqualTo(RestoreTier.BULK);
    }
}
