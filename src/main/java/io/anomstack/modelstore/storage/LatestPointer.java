package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.ModelDescriptor;

/** A model's latest pointer as read from S3: the latest version's descriptor and the ETag it was read at. */
record LatestPointer(ModelDescriptor descriptor, String eTag) {
}
