package io.anomstack.modelstore.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.time.Duration;

/**
 * An IAM role the service assumes through STS on top of whatever credentials it finds (environment, profile, IRSA,
 * container or instance credentials, static keys), bound from {@code modelstore.aws.assume-role.*}.
 *
 * @param roleArn     the role ({@code S3_ASSUME_ROLE_ARN}); unset, the found credentials are used as they are
 * @param externalId  the external id the role's trust policy asks for ({@code S3_ASSUME_ROLE_EXTERNAL_ID})
 * @param sessionName the session name CloudTrail shows ({@code S3_ASSUME_ROLE_SESSION_NAME}, default
 *                    {@code anomstack-model-store})
 * @param duration    how long each set of role credentials lasts ({@code S3_ASSUME_ROLE_DURATION}, default 1h,
 *                    15m–12h); they are refreshed in the background before they expire
 * @param stsEndpoint an STS endpoint to use instead of the regional one ({@code AWS_ENDPOINT_URL_STS})
 */
@ConfigurationProperties("modelstore.aws.assume-role")
public record AssumeRoleProperties(String roleArn, String externalId,
                                   @DefaultValue("anomstack-model-store") String sessionName,
                                   @DefaultValue("1h") Duration duration, String stsEndpoint) {

    public AssumeRoleProperties {
        roleArn = blankToNull(roleArn);
        externalId = blankToNull(externalId);
        stsEndpoint = blankToNull(stsEndpoint);
        if (roleArn != null && !roleArn.matches("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}")) {
            throw new IllegalArgumentException("S3_ASSUME_ROLE_ARN '" + roleArn + "' is not a role ARN such as "
                    + "arn:aws:iam::123456789012:role/anomstack-model-store.");
        }
        if (sessionName == null || !sessionName.matches("[\\w+=,.@-]{2,64}")) {
            throw new IllegalArgumentException("S3_ASSUME_ROLE_SESSION_NAME must be 2-64 letters, digits or +=,.@_-.");
        }
        if (duration.compareTo(Duration.ofMinutes(15)) < 0 || duration.compareTo(Duration.ofHours(12)) > 0) {
            throw new IllegalArgumentException("S3_ASSUME_ROLE_DURATION must be between 15m and 12h.");
        }
        if (stsEndpoint != null) {
            URI.create(stsEndpoint);
        }
    }

    public boolean enabled() {
        return roleArn != null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
