package io.anomstack.modelstore.observability;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class OperationTest {

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "POST, /api/v1/models/b/m, upload, b",
            "GET, /api/v1/models/b/m/latest, download, b",
            "HEAD, /api/v1/models/b/m/versions/20250101_000000, download, b",
            "GET, /api/v1/models/b/m/aliases/prod, download, b",
            "GET, /api/v1/models/b/_bundle, bundle, b",
            "GET, /api/v1/models/b/m/latest/metadata, metadata, b",
            "GET, /api/v1/models/b/m/versions, list, b",
            "GET, /api/v1/models/b, list, b",
            "GET, /api/v1/models, list, null",
            "PUT, /api/v1/models/b/m/latest, rollback, b",
            "PUT, /api/v1/models/b/m/aliases/prod, alias, b",
            "DELETE, /api/v1/models/b/m/versions/20250101_000000, delete, b",
            "POST, /api/v1/models/b/m/prune, prune, b",
            "POST, /api/v1/models/b/m/versions/20250101_000000/restore, restore, b",
            "POST, /api/v1/admin/bucket/reconcile, admin, null",
            "GET, /actuator/prometheus, actuator, null",
            "GET, /swagger-ui.html, other, null",
            "PATCH, /api/v1/models/b/m, other, null"})
    void namesWhatARequestDoes(String method, String path, String operation, String batch) {
        assertThat(Operation.of(method, path)).isEqualTo(new Operation(operation, batch));
    }
}
