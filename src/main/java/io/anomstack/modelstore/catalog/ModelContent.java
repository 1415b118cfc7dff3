package io.anomstack.modelstore.catalog;

import java.io.IOException;
import java.io.InputStream;

/** An open model version: its descriptor and a stream of its bytes, to be closed by the reader. */
public record ModelContent(ModelDescriptor descriptor, InputStream body) implements AutoCloseable {

    @Override
    public void close() throws IOException {
        body.close();
    }
}
