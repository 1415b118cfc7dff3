package io.anomstack.modelstore.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * A page of a model's versions, newest first.
 *
 * @param versions   the versions of this page
 * @param nextCursor where the next page starts, or {@code null} on the last page
 */
public record VersionPage(List<ModelDescriptor> versions, @JsonProperty("next_cursor") String nextCursor) {
}
