package io.anomstack.modelstore.storage;

import io.anomstack.modelstore.catalog.StagingArea;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The staging area of multipart uploads that arrive through the S3 API, in the service's own bucket. */
@Configuration(proxyBeanMethods = false)
class StagingConfiguration {

    @Bean
    StagingArea stagingArea(LocationStores stores) {
        LocationStore store = stores.defaultStore();
        return new S3StagingArea(store.operations(), S3StagingArea.folderBeside(store.target().prefix()));
    }
}
