package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.S3Backend;
import io.anomstack.modelstore.support.S3MockBackend;

/** The contract on Adobe S3Mock, run as its own process. */
class S3MockContractIT extends ModelStoreContract {

    @Override
    protected S3Backend startBackend() throws Exception {
        return S3MockBackend.start();
    }
}
