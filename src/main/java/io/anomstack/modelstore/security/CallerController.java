package io.anomstack.modelstore.security;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * Who the caller is, as the service sees it: the model browser asks this once so that it shows a reader no
 * buttons it could not use. It is a courtesy to the page; every rule is still enforced on every request.
 */
@RestController
@Tag(name = "caller", description = "The caller's own identity")
class CallerController {

    /**
     * The caller's name (the key's, never its secret), role and batch patterns.
     *
     * @param name      the key's name, {@code anonymous} where no key is needed, or a JWT's subject
     * @param role      {@code reader}, {@code writer}, {@code admin}, or {@code none} for a token without the scopes
     * @param batches   glob patterns of the batches the caller may touch
     * @param anonymous whether the caller came in without credentials (local mode on loopback, allow-anonymous)
     */
    @Schema(description = "The caller's identity and rights")
    record Me(@Schema(example = "operator") String name, @Schema(example = "admin") String role,
              @Schema(example = "[\"prod_*\"]") List<String> batches, boolean anonymous) {
    }

    @GetMapping("/api/v1/me")
    @Operation(summary = "Who am I", description = "The caller's key name, role and batch patterns.")
    Me me(@RequestAttribute(Caller.REQUEST_ATTRIBUTE) Caller caller) {
        return new Me(caller.name(), caller.roleLabel(), caller.batches(), Caller.ANONYMOUS.equals(caller.name()));
    }
}
