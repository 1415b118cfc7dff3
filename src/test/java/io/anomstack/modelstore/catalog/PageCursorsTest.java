package io.anomstack.modelstore.catalog;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageCursorsTest {

    private final PageCursors cursors = new PageCursors("secret");
    private final ModelRef model = new ModelRef("batch", "cpu", null);
    private final VersionId version = VersionId.parse("20250131_235959");

    @Test
    void aCursorLeadsBackToItsVersionOnItsModel() {
        assertThat(cursors.decode(model, cursors.encode(model, version))).isEqualTo(version);
        assertThat(new PageCursors("secret").decode(model, cursors.encode(model, version)))
                .as("another replica with the same secret").isEqualTo(version);
    }

    @Test
    void aCursorOfAnotherModelTagOrSecretIsRefused() {
        String cursor = cursors.encode(model, version);
        assertThatThrownBy(() -> cursors.decode(new ModelRef("other", "cpu", null), cursor)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> cursors.decode(new ModelRef("batch", "cpu", "pca"), cursor)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> new PageCursors("other").decode(model, cursor)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void anEditedOrMadeUpCursorIsRefused() {
        String payload = new String(Base64.getUrlDecoder().decode(cursors.encode(model, version)), StandardCharsets.UTF_8);
        String edited = payload.replace("20250131_235959", "20250131_235958");
        for (String forged : new String[] {Base64.getUrlEncoder().encodeToString(edited.getBytes(StandardCharsets.UTF_8)),
                Base64.getUrlEncoder().encodeToString("20250131_235959".getBytes(StandardCharsets.UTF_8)),
                Base64.getUrlEncoder().encodeToString("../../x~AAAA".getBytes(StandardCharsets.UTF_8)),
                "!!", "", "~", "a".repeat(10_000)}) {
            assertThatThrownBy(() -> cursors.decode(model, forged)).as(forged).isInstanceOf(InvalidRequestException.class);
        }
    }
}
