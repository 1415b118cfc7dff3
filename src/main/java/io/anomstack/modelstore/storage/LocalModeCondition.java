package io.anomstack.modelstore.storage;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches in local mode, as {@link S3StorageProperties#localMode()} defines it: no bucket configured. */
class LocalModeCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return Binder.get(context.getEnvironment())
                .bind("modelstore.s3.bucket", String.class)
                .map(S3StorageProperties::isLocalMode)
                .orElse(true);
    }
}
