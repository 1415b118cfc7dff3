package io.anomstack.modelstore.security;

import io.anomstack.modelstore.config.LocalMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The S3 API's key pairs: checked when bound, never printed, and enough authentication to start outside local mode. */
class S3KeysTest {

    private static SecurityProperties.S3Key key(String id, String secret) {
        return new SecurityProperties.S3Key(id, secret, "writer", List.of("prod_*"));
    }

    private static SecurityProperties withS3Keys(SecurityProperties.S3Key... keys) {
        return new SecurityProperties(false, List.of(), null, List.of(keys));
    }

    @Test
    void configuredS3KeysAloneLetTheServiceStartOutsideLocalMode() {
        assertThat(new SecurityConfiguration().apiKeys(withS3Keys(key("trainer", "trainer-secret-0123456789")),
                new LocalMode(false))).isNotNull();
        assertThatThrownBy(() -> new SecurityConfiguration().apiKeys(withS3Keys(), new LocalMode(false)))
                .isInstanceOf(InsecureConfigurationException.class);
    }

    @Test
    void aKeyIsTheCallerItsAccessKeyIdNamesWithItsRoleAndBatches() {
        Caller caller = key("trainer", "trainer-secret-0123456789").caller();

        assertThat(caller.name()).isEqualTo("trainer");
        assertThat(caller.role()).isEqualTo(Role.WRITER);
        assertThat(caller.mayTouch("prod_cpu")).isTrue();
        assertThat(caller.mayTouch("staging")).isFalse();
    }

    @Test
    void badKeysAreRefusedWhenBoundAndSecretsNeverPrinted() {
        assertThatThrownBy(() -> key("trainer", "short")).hasMessageContaining("at least 16 characters");
        assertThatThrownBy(() -> key("a b", "trainer-secret-0123456789")).hasMessageContaining("access key id");
        assertThatThrownBy(() -> withS3Keys(key("trainer", "trainer-secret-0123456789"), key("trainer", "other-secret-0123456789")))
                .hasMessageContaining("Two S3 keys");
        assertThat(key("trainer", "trainer-secret-0123456789").toString()).doesNotContain("trainer-secret");
    }
}
