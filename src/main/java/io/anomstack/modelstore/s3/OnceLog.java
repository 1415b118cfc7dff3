package io.anomstack.modelstore.s3;

import org.slf4j.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warns about a lasting condition (a missing permission, a feature the S3 server lacks) the first time only: such a
 * condition repeats on every request until someone changes the deployment, and one clear line is what they need.
 */
public final class OnceLog {

    private final Logger log;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public OnceLog(Logger log) {
        this.log = log;
    }

    /** Logs {@code message} at WARN if nothing was logged under {@code key} yet, else at DEBUG. */
    public void warn(String key, String message, Object... arguments) {
        if (seen.add(key)) {
            log.warn(message, arguments);
        } else if (log.isDebugEnabled()) {
            log.debug(message, arguments);
        }
    }
}
