package io.anomstack.modelstore.it;

import io.anomstack.modelstore.support.LocalStackBackend;
import io.anomstack.modelstore.support.S3Backend;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The contract on LocalStack's S3, closest to AWS of the local servers. It needs a Docker engine: without
 * one the whole class is reported as skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackContractIT extends ModelStoreContract {

    @Override
    protected S3Backend startBackend() {
        return LocalStackBackend.start();
    }
}
