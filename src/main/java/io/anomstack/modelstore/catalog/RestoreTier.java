package io.anomstack.modelstore.catalog;

import java.util.Arrays;
import java.util.List;

/** How fast (and how expensively) S3 restores an archived object. */
public enum RestoreTier {

    EXPEDITED("Expedited", "1-5 minutes", null),
    STANDARD("Standard", "3-5 hours", "within 12 hours"),
    BULK("Bulk", "5-12 hours", "within 48 hours");

    private final String token;
    private final String archiveDuration;
    private final String deepArchiveDuration;

    RestoreTier(String token, String archiveDuration, String deepArchiveDuration) {
        this.token = token;
        this.archiveDuration = archiveDuration;
        this.deepArchiveDuration = deepArchiveDuration;
    }

    /** The tier's name as S3 and this API spell it: Expedited, Standard, Bulk. */
    public String token() {
        return token;
    }

    /** Whether S3 offers this tier for the object: not Expedited from DEEP_ARCHIVE or Deep Archive Access. */
    public boolean availableFor(ArchiveState state) {
        return !state.deep() || deepArchiveDuration != null;
    }

    /** S3's typical restore time with this tier for the object. */
    public String typicalDuration(ArchiveState state) {
        return state.deep() ? deepArchiveDuration : archiveDuration;
    }

    /** The tiers S3 offers for the object, fastest first. */
    public static List<RestoreTier> availableTiers(ArchiveState state) {
        return Arrays.stream(values()).filter(tier -> tier.availableFor(state)).toList();
    }

    /** @throws InvalidRequestException for anything but Expedited, Standard or Bulk (any case) */
    public static RestoreTier parse(String value) {
        return Arrays.stream(values())
                .filter(tier -> tier.token.equalsIgnoreCase(value))
                .findFirst()
                .orElseThrow(() -> new InvalidRequestException("tier must be Expedited, Standard or Bulk, not '"
                        + value + "'."));
    }
}
