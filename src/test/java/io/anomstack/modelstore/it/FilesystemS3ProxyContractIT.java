package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.S3Backend;
import io.anomstack.modelstore.support.S3ProxyBackend;
import java.nio.file.Files;

/** The contract on S3Proxy's filesystem backend, the one local mode uses. */
class FilesystemS3ProxyContractIT extends ModelStoreContract {

    @Override
    protected S3Backend startBackend() throws Exception {
        return S3ProxyBackend.filesystem(Files.createTempDirectory("s3proxy-contract"));
    }
}
