package io.anomstack.modelstore.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/**
 * What the store found when it scanned a model body at upload (docs/model-safety.md).
 *
 * @param protocol the pickle protocol, absent when the body is no pickle or was not scanned
 * @param globals  every global the pickle imports, sorted
 * @param verdict  {@code allowed}, {@code unsafe}, {@code malformed}, {@code not-a-pickle} or {@code unchecked}
 */
@Schema(description = "The pickle scan of the model body at upload")
public record PickleCheck(
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(example = "4", nullable = true) Integer protocol,
        @Schema(example = "[\"numpy.core.multiarray._reconstruct\", \"numpy.dtype\", \"numpy.ndarray\", "
                + "\"sklearn.decomposition._pca.PCA\"]") List<String> globals,
        @Schema(example = "allowed", allowableValues = {"allowed", "unsafe", "malformed", "not-a-pickle", "unchecked"})
        String verdict) {

    public PickleCheck {
        globals = globals == null ? List.of() : List.copyOf(globals);
    }
}
