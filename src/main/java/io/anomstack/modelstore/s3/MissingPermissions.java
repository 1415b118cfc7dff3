package io.anomstack.modelstore.s3;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * IAM permissions beyond the core policy that S3 denied. The features that need them degrade and the core goes on;
 * each missing permission is logged once per bucket, not on every request, and shown in the health details.
 */
public final class MissingPermissions {

    private static final Logger log = LoggerFactory.getLogger(MissingPermissions.class);

    private final Set<String> missing = ConcurrentHashMap.newKeySet();

    /**
     * @param permission  the IAM action, such as {@code s3:AbortMultipartUpload}
     * @param consequence what the service does without it, as a sentence
     */
    public void report(String permission, S3Location target, String consequence) {
        if (missing.add(permission + " on " + target.bucket())) {
            log.warn("The service's IAM identity may not use {} on the {}. {} Grant it to have the feature "
                    + "(see the full IAM policy in docs/security.md); this is logged once.", permission, target.describe(),
                    consequence);
        }
    }

    /** The permissions found missing so far, as {@code s3:Action on bucket}. */
    public SortedSet<String> missing() {
        return new TreeSet<>(missing);
    }
}
