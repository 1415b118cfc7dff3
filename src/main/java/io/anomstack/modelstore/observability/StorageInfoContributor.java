package io.anomstack.modelstore.observability;

import io.anomstack.modelstore.storage.StorageStatus;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** Adds where models are stored to {@code /actuator/info}, beside the build version. */
@Component
class StorageInfoContributor implements InfoContributor {

    private final StorageStatus storage;

    StorageInfoContributor(StorageStatus storage) {
        this.storage = storage;
    }

    @Override
    public void contribute(Info.Builder builder) {
        builder.withDetail("storage", storage.describe());
    }
}
