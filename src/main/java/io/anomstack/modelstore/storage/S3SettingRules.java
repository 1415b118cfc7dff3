package io.anomstack.modelstore.storage;

import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules every S3 setting must follow, wherever it comes from: the environment ({@link S3StorageProperties})
 * or a batch's YAML file ({@code io.anomstack.modelstore.policy}). Each caller words its own message around the
 * shared rule texts so that the message names the variable or key the user actually wrote.
 */
public final class S3SettingRules {

    /** Why a bucket name is invalid, to follow "… is not a valid bucket name". */
    public static final String BUCKET_RULE = "3-63 lower-case letters, digits, dots and hyphens";
    /** What a prefix must be, to follow "… must be". */
    public static final String PREFIX_RULE = "empty or folder names (letters, digits, '.', '_', '-', but not '.' or '..') "
            + "each ending in '/', such as 'models/' or 'models/production/'";
    /** What a region looks like, to follow "… is not". */
    public static final String REGION_RULE = "a region name such as 'us-east-1'";
    /** The accepted encryption algorithms. */
    public static final String ENCRYPTION_CHOICES = "AES256, aws:kms or aws:kms:dsse";
    /** What a KMS key setting holds. */
    public static final String KMS_KEY_RULE = "the KMS key id, ARN or alias (alias/aws/s3 for the AWS managed key)";

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    /** Folder names ending in '/', none of them '.', '..' or other dots only (no relative path segments). */
    private static final Pattern PREFIX = Pattern.compile("((?!\\.+/)[A-Za-z0-9._-]+/)*");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    private S3SettingRules() {
    }

    public static boolean isBucketName(String bucket) {
        return bucket != null && BUCKET.matcher(bucket).matches();
    }

    public static boolean isPrefix(String prefix) {
        return prefix != null && PREFIX.matcher(prefix).matches();
    }

    public static boolean isRegion(String region) {
        return region != null && REGION.matcher(region).matches();
    }

    /** The storage class named by {@code name} in any case, or {@code null} when there is none of that name. */
    public static StorageClass storageClass(String name) {
        if (name == null) {
            return null;
        }
        StorageClass storageClass = StorageClass.fromValue(name.trim().toUpperCase(Locale.ROOT));
        return storageClass == StorageClass.UNKNOWN_TO_SDK_VERSION ? null : storageClass;
    }

    /** Every storage class the SDK knows, comma-separated, for "use one of …". */
    public static String storageClassNames() {
        return Arrays.stream(StorageClass.values()).filter(c -> c != StorageClass.UNKNOWN_TO_SDK_VERSION)
                .map(StorageClass::toString).collect(Collectors.joining(", "));
    }

    /** The encryption algorithm named by {@code name} (as S3 spells it), or {@code null} when unknown. */
    public static ServerSideEncryption encryption(String name) {
        if (name == null) {
            return null;
        }
        ServerSideEncryption algorithm = ServerSideEncryption.fromValue(name);
        return algorithm == ServerSideEncryption.UNKNOWN_TO_SDK_VERSION ? null : algorithm;
    }

    /** Whether {@code algorithm} is one of the KMS algorithms, which need a key id ({@code null}: no encryption). */
    public static boolean usesKms(ServerSideEncryption algorithm) {
        return algorithm != null && algorithm != ServerSideEncryption.AES256;
    }
}
