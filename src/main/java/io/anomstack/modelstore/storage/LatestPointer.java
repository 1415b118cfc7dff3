package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.LatestChange;
import io.anomstack.modelstore.catalog.ModelDescriptor;

import java.util.List;

/**
 * A model's latest pointer as read from S3: the latest version's descriptor, how latest moved (newest first) and
 * the ETag it was read at.
 */
record LatestPointer(ModelDescriptor descriptor, List<LatestChange> history, String eTag) {
}
