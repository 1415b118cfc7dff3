package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.pickle.PickleGlobal;
import io.anomstack.modelstore.pickle.PicklePolicy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The service-wide pickle check (MODELSTORE_PICKLE_POLICY, MODELSTORE_PICKLE_ALLOW) and a batch file's over it. */
class PickleSettingsTest {

    private static final PickleGlobal DETECTOR = new PickleGlobal("mycompany.detectors.seasonal", "Seasonal");

    @Test
    void unsetTheServiceEnforcesTheDefaultAllowList() {
        PicklePolicy policy = new PickleProperties(null, null).toPolicy();
        assertThat(policy.mode()).isEqualTo(PicklePolicy.Mode.ENFORCE);
        assertThat(policy.allowList().allows(DETECTOR)).isFalse();
    }

    @Test
    void theServiceMayReportOrSwitchOffAndAllowMore() {
        PicklePolicy policy = new PickleProperties(" Report ", List.of("mycompany.detectors.*", " ")).toPolicy();
        assertThat(policy.mode()).isEqualTo(PicklePolicy.Mode.REPORT);
        assertThat(policy.allowList().allows(DETECTOR)).isTrue();
        assertThat(new PickleProperties("off", List.of()).toPolicy().mode()).isEqualTo(PicklePolicy.Mode.OFF);
    }

    @Test
    void aWrongPolicyOrADeniedGlobalStopsTheServiceWithTheVariableToFix() {
        assertThatIllegalArgumentException().isThrownBy(() -> new PickleProperties("lenient", null))
                .withMessageContaining("MODELSTORE_PICKLE_POLICY").withMessageContaining("enforce, report or off");
        assertThatIllegalArgumentException().isThrownBy(() -> new PickleProperties(null, List.of("subprocess.Popen")))
                .withMessageContaining("MODELSTORE_PICKLE_ALLOW").withMessageContaining("never allowed");
    }

    @Test
    void aBatchFileKeepsTheServicesModeUnlessItSetsOneAndAddsToItsAllowList() {
        PicklePolicy service = new PickleProperties("report", List.of("mycompany.utils.Scaler")).toPolicy();
        PicklePolicy batch = new PickleSettings(null, List.of("mycompany.detectors.*")).over(service);
        assertThat(batch.mode()).isEqualTo(PicklePolicy.Mode.REPORT);
        assertThat(batch.allowList().allows(DETECTOR)).isTrue();
        assertThat(batch.allowList().allows(new PickleGlobal("mycompany.utils", "Scaler"))).isTrue();
        assertThat(new PickleSettings(PicklePolicy.Mode.ENFORCE, List.of()).over(service).mode())
                .isEqualTo(PicklePolicy.Mode.ENFORCE);
    }
}
