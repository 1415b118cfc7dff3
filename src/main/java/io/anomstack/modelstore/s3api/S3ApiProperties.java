package io.anomstack.modelstore.s3api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.util.List;

/**
 * The S3-compatible endpoint, bound from {@code modelstore.s3-api.*} (see docs/s3-api.md).
 *
 * @param enabled         whether the endpoint listens ({@code MODELSTORE_S3API_ENABLED}, default true)
 * @param port            its port ({@code MODELSTORE_S3API_PORT}, default 9000; 0 picks a free one)
 * @param address         the address it binds ({@code MODELSTORE_S3API_ADDRESS}); unset: every interface, or only
 *                        loopback in local mode without S3 keys
 * @param bucket          the one bucket it serves ({@code MODELSTORE_S3API_BUCKET}); unset: the service's bucket
 *                        ({@code S3_BUCKET_NAME}), {@code anomstack-models} in local mode
 * @param prefix          the folder of the models in that bucket ({@code MODELSTORE_S3API_PREFIX}, default {@code models})
 * @param modelTags       model tags known besides Anomstack's {@code pca_default} and {@code knn_default}
 *                        ({@code MODELSTORE_S3API_MODEL_TAGS}, comma-separated)
 * @param maxBufferedBody the largest request body held in memory before it is trusted, default 16MB: a body signed with
 *                        its SHA-256 rather than sent aws-chunked must be hashed before its signature can be checked,
 *                        and boto3 and the AWS CLI sign the 8 MiB parts of their multipart uploads so over plain HTTP
 */
@ConfigurationProperties("modelstore.s3-api")
public record S3ApiProperties(@DefaultValue("true") boolean enabled,
                              @DefaultValue("9000") int port,
                              String address,
                              String bucket,
                              @DefaultValue("models") String prefix,
                              List<String> modelTags,
                              @DefaultValue("16MB") DataSize maxBufferedBody) {

    /** The bucket of local mode, as the embedded server names it. */
    static final String LOCAL_BUCKET = "anomstack-models";

    public S3ApiProperties {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("MODELSTORE_S3API_PORT " + port + " is not a port (0-65535).");
        }
        address = address == null || address.isBlank() ? null : address.trim();
        bucket = bucket == null || bucket.isBlank() ? LOCAL_BUCKET : bucket.trim();
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("modelstore.s3-api.bucket '" + bucket + "' is not a bucket name "
                    + "(3-63 lower-case letters, digits, '.' and '-').");
        }
        prefix = prefix == null ? "" : prefix.trim();
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!prefix.isEmpty() && !prefix.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")) {
            throw new IllegalArgumentException("MODELSTORE_S3API_PREFIX '" + prefix + "' must be folder names of letters, "
                    + "digits, '.', '_' and '-' separated by '/'.");
        }
        modelTags = modelTags == null ? List.of() : modelTags.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
        maxBufferedBody = maxBufferedBody == null ? DataSize.ofMegabytes(16) : maxBufferedBody;
    }
}
