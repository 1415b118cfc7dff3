package io.anomstack.modelstore.bucket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reconciles the buckets once at start-up when management is on. It runs before the service reports itself ready,
 * so the bucket exists before traffic comes, but start-up waits for it at most {@link BucketProperties#startupTimeout()}
 * (S3 may be slow or unreachable) and never fails because of it: every problem is logged and the service starts.
 */
@Component
class BucketStartupReconciliation implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BucketStartupReconciliation.class);

    private final BucketAdmin admin;
    private final BucketProperties properties;

    BucketStartupReconciliation(BucketAdmin admin, BucketProperties properties) {
        this.admin = admin;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!admin.managed()) {
            return;
        }
        CompletableFuture<?> reconciliation = CompletableFuture.runAsync(admin::reconcile, daemonThread());
        try {
            reconciliation.get(properties.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("Bucket reconciliation is still running after {}; the service starts without waiting for it "
                    + "(MODELSTORE_BUCKET_STARTUP_TIMEOUT). Its outcome is logged when it ends.", properties.startupTimeout());
        } catch (ExecutionException e) {
            log.warn("Bucket reconciliation at start-up failed; the service starts anyway. "
                    + "POST /api/v1/admin/bucket/reconcile retries it.", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A thread of its own that does not keep the JVM alive, should the reconciliation outlast a shutdown. */
    private static Executor daemonThread() {
        return task -> {
            Thread thread = new Thread(task, "bucket-reconcile");
            thread.setDaemon(true);
            thread.start();
        };
    }
}
