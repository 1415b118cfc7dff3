package io.anomstack.modelstore.storage;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/**
 * The staging area of multipart uploads that arrive through the S3 API, in the service's own bucket, and the sweep of
 * the uploads clients left behind.
 */
@Configuration(proxyBeanMethods = false)
class StagingConfiguration {

    @Bean
    S3StagingArea stagingArea(LocationStores stores) {
        LocationStore store = stores.defaultStore();
        return new S3StagingArea(store.operations(), S3StagingArea.folderBeside(store.target().prefix()));
    }

    @Bean(destroyMethod = "close")
    StagingSweep stagingSweep(S3StagingArea stagingArea, MultipartSweepProperties settings, Clock clock) {
        return new StagingSweep(stagingArea, settings, clock);
    }
}
