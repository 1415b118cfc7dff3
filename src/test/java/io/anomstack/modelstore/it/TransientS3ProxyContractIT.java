package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.S3Backend;
import io.anomstack.modelstore.support.S3ProxyBackend;

/** The contract on S3Proxy's in-memory backend. */
class TransientS3ProxyContractIT extends ModelStoreContract {

    @Override
    protected S3Backend startBackend() {
        return S3ProxyBackend.inMemory();
    }
}
