package io.anomstack.modelstore.policy;

import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.ModelStoreException;
import io.anomstack.modelstore.catalog.ModelSummary;
import io.anomstack.modelstore.catalog.PruneResult;
import io.anomstack.modelstore.catalog.RetentionRule;
import io.anomstack.modelstore.storage.S3StorageProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.stereotype.Component;
import java.time.ZoneOffset;

/**
 * Applies every batch's retention rule to all its models on a schedule ({@code MODELSTORE_RETENTION_SCHEDULE}, a
 * Spring cron expression; default daily at 03:30 UTC, off in local mode; {@code -} turns it off everywhere).
 */
@Component
@EnableScheduling
class RetentionSchedule implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(RetentionSchedule.class);

    private final ModelCatalog catalog;
    private final BatchPolicies policies;
    private final String cron;

    RetentionSchedule(ModelCatalog catalog, BatchPolicies policies, S3StorageProperties storage,
                      RetentionProperties retention) {
        this.catalog = catalog;
        this.policies = policies;
        this.cron = retention.cron(storage.localMode());
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        if (RetentionProperties.OFF.equals(cron)) {
            log.info("Scheduled retention is off (MODELSTORE_RETENTION_SCHEDULE)");
            return;
        }
        registrar.addTriggerTask(this::run, new CronTrigger(cron, ZoneOffset.UTC));
        log.info("Retention runs on the schedule '{}' (UTC)", cron);
    }

    /** One pass over every model of every batch that has a retention rule. */
    void run() {
        int pruned = 0;
        for (String batch : catalog.batches()) {
            RetentionRule rule = policies.policyFor(batch).retention();
            if (rule.keepsEverything()) {
                continue;
            }
            try {
                for (ModelSummary model : catalog.models(batch)) {
                    PruneResult result = catalog.prune(new ModelRef(batch, model.metric(), model.tag()), rule, false);
                    pruned += result.pruned().size();
                    if (!result.pruned().isEmpty()) {
                        log.info("Retention pruned {} version(s) of {}/{}{}: {}", result.pruned().size(), batch,
                                model.metric(), model.tag() == null ? "" : "?tag=" + model.tag(), result.pruned());
                    }
                }
            } catch (ModelStoreException e) {
                log.warn("Retention skipped batch {}: {}", batch, e.getMessage());
            }
        }
        log.info("Retention run finished: {} version(s) pruned", pruned);
    }
}
