package io.anomstack.modelstore.observability;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class ObservabilityEnvironmentTest {

    private static MockEnvironment process(MockEnvironment environment) {
        new ObservabilityEnvironment().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void aBucketTurnsCloudWatchExportOnWithTheDefaultNamespace() {
        MockEnvironment environment = process(new MockEnvironment().withProperty("modelstore.s3.bucket", "models"));
        assertThat(environment.getProperty(ObservabilityEnvironment.NAMESPACE)).isEqualTo("AnomstackModelStore");
    }

    @Test
    void cloudWatchNamespaceNamesIt() {
        MockEnvironment environment = process(new MockEnvironment().withProperty("modelstore.s3.bucket", "models")
                .withProperty("CLOUDWATCH_NAMESPACE", "Team/Models"));
        assertThat(environment.getProperty(ObservabilityEnvironment.NAMESPACE)).isEqualTo("Team/Models");
    }

    @Test
    void localModeAndDisabledExportPublishNothing() {
        assertThat(process(new MockEnvironment().withProperty("modelstore.s3.bucket", ""))
                .containsProperty(ObservabilityEnvironment.NAMESPACE)).isFalse();
        assertThat(process(new MockEnvironment().withProperty("modelstore.s3.bucket", "models")
                .withProperty("modelstore.metrics.cloudwatch-enabled", "false"))
                .containsProperty(ObservabilityEnvironment.NAMESPACE)).isFalse();
    }

    @Test
    void anExplicitNamespaceWins() {
        MockEnvironment environment = process(new MockEnvironment().withProperty("modelstore.s3.bucket", "models")
                .withProperty(ObservabilityEnvironment.NAMESPACE, "Explicit"));
        assertThat(environment.getProperty(ObservabilityEnvironment.NAMESPACE)).isEqualTo("Explicit");
    }

    @Test
    void s3DebugTurnsOnTheSdkRequestLoggerOnly() {
        MockEnvironment environment = process(new MockEnvironment().withProperty("S3_DEBUG", "true"));
        assertThat(environment.getProperty("logging.level.software.amazon.awssdk.request")).isEqualTo("DEBUG");
        assertThat(environment.containsProperty("logging.level.org.apache.http.wire")).isFalse();
    }

    @Test
    void spansAreSampledOnlyWhileTheyAreExported() {
        assertThat(process(new MockEnvironment()).getProperty(ObservabilityEnvironment.SAMPLING)).isEqualTo("0.0");
        assertThat(process(new MockEnvironment().withProperty("management.tracing.export.enabled", "true"))
                .getProperty(ObservabilityEnvironment.SAMPLING)).isEqualTo("1.0");
        assertThat(process(new MockEnvironment().withProperty("management.tracing.export.enabled", "true")
                .withProperty("MODELSTORE_TRACING_SAMPLING", "0.25")).getProperty(ObservabilityEnvironment.SAMPLING))
                .isEqualTo("0.25");
        assertThat(process(new MockEnvironment().withProperty(ObservabilityEnvironment.SAMPLING, "0.5"))
                .getProperty(ObservabilityEnvironment.SAMPLING)).isEqualTo("0.5");
    }
}
