package io.anomstack.modelstore.s3;

import io.anomstack.modelstore.catalog.StoreAccessException;
import io.anomstack.modelstore.catalog.StoreUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.IntelligentTieringAccessTier;
import software.amazon.awssdk.services.s3.model.InvalidObjectStateException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

/** What an operator reads when S3 refuses the service, and what a client may retry. */
class S3ErrorsTest {

    private static final S3Location TARGET = new S3Location("anomstack-models-prod", "models/", "eu-west-1", false,
            8 * 1024 * 1024);
    private static final String ACTION = "uploading models/b/m/model_20250131_235959.pkl";

    private static S3Exception s3(int status, String code) {
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .message(code + " from S3")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " from S3").build())
                .build();
    }

    private static RuntimeException translate(SdkException e) {
        return S3Errors.translate(e, TARGET, ACTION);
    }

    @Test
    void accessDeniedTellsWhichBucketAndRegionAndWhichPermissionsAreNeeded() {
        S3Exception denied = s3(403, "AccessDenied");

        RuntimeException translated = translate(denied);

        assertThat(translated).isInstanceOf(StoreAccessException.class).hasCause(denied);
        assertThat(translated.getMessage())
                .contains("bucket 'anomstack-models-prod'", "region eu-west-1", "AccessDenied", ACTION)
                .contains("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket");
    }

    @Test
    void aMissingBucketIsAnAccessProblemNamingBucketRegionAndTheSettingToFix() {
        RuntimeException translated = translate(s3(404, "NoSuchBucket"));

        assertThat(translated).isInstanceOf(StoreAccessException.class);
        assertThat(translated.getMessage())
                .contains("bucket 'anomstack-models-prod'", "region eu-west-1", "does not exist", "S3_BUCKET_NAME");
    }

    @ParameterizedTest
    @CsvSource({"403, InvalidAccessKeyId", "403, SignatureDoesNotMatch", "400, ExpiredToken", "400, InvalidToken",
            "400, TokenRefreshRequired"})
    void rejectedCredentialsSaySoNamingTheCode(int status, String code) {
        RuntimeException translated = translate(s3(status, code));

        assertThat(translated).isInstanceOf(StoreAccessException.class);
        assertThat(translated.getMessage())
                .contains("rejected the service's credentials", code, "bucket 'anomstack-models-prod'", "region eu-west-1")
                .contains("Check the AWS credentials");
    }

    @ParameterizedTest
    @CsvSource({"301, PermanentRedirect", "400, AuthorizationHeaderMalformed", "400, IllegalLocationConstraintException"})
    void aBucketInAnotherRegionAsksToSetAwsRegion(int status, String code) {
        RuntimeException translated = translate(s3(status, code));

        assertThat(translated).isInstanceOf(StoreAccessException.class);
        assertThat(translated.getMessage()).contains("another region", "AWS_REGION", "region eu-west-1");
    }

    @ParameterizedTest
    @CsvSource({"500, InternalError", "503, SlowDown", "503, ServiceUnavailable", "429, TooManyRequests",
            "502, BadGateway"})
    void serverErrorsAndThrottlingAreUnavailableAndRetryable(int status, String code) {
        RuntimeException translated = translate(s3(status, code));

        assertThat(translated).isInstanceOf(StoreUnavailableException.class);
        assertThat(translated.getMessage()).contains(String.valueOf(status), code, "bucket 'anomstack-models-prod'", "retry");
    }

    @Test
    void aServerErrorWithoutErrorDetailsIsStillUnavailable() {
        S3Exception bare = (S3Exception) S3Exception.builder().statusCode(503).build();

        assertThat(translate(bare)).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void anUnreachableEndpointIsUnavailableAndSaysWhy() {
        SdkClientException refused = SdkClientException.builder()
                .message("Unable to execute HTTP request: Connect to localhost:9000 failed")
                .cause(new ConnectException("Connection refused"))
                .build();

        RuntimeException translated = translate(refused);

        assertThat(translated).isInstanceOf(StoreUnavailableException.class).hasCause(refused);
        assertThat(translated.getMessage()).contains("could not be reached", "bucket 'anomstack-models-prod'",
                "Connection refused", "retry");
    }

    @Test
    void aTimeoutIsUnavailable() {
        assertThat(translate(ApiCallTimeoutException.create(30_000))).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void otherRefusalsAreAccessProblemsNamingStatusAndCode() {
        RuntimeException translated = translate(s3(400, "InvalidRequest"));

        assertThat(translated).isInstanceOf(StoreAccessException.class);
        assertThat(translated.getMessage()).contains("400", "InvalidRequest", "bucket 'anomstack-models-prod'");
    }

    @ParameterizedTest
    @CsvSource({"412, PreconditionFailed", "409, ConditionalRequestConflict"})
    void losingAConditionalWriteIsAPreconditionFailure(int status, String code) {
        assertThat(S3Errors.isPreconditionFailure(s3(status, code))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 400, 403, 404, 500, 503})
    void otherStatusesAreNoPreconditionFailure(int status) {
        assertThat(S3Errors.isPreconditionFailure(s3(status, "Whatever"))).isFalse();
        assertThat(S3Errors.isPreconditionFailure(SdkClientException.create("no connection"))).isFalse();
    }

    @Test
    void aMissingKeyIsNotFound() {
        assertThat(S3Errors.isNotFound(s3(404, "NoSuchKey"))).isTrue();
        assertThat(S3Errors.isNotFound(NoSuchKeyException.builder().statusCode(404).build())).isTrue();
        // HEAD answers carry no body, hence no error code.
        assertThat(S3Errors.isNotFound(S3Exception.builder().statusCode(404).build())).isTrue();
    }

    @Test
    void aMissingBucketIsNotAMissingKey() {
        assertThat(S3Errors.isNotFound(s3(404, "NoSuchBucket"))).isFalse();
    }

    @Test
    void otherFailuresAreNotNotFound() {
        assertThat(S3Errors.isNotFound(s3(403, "AccessDenied"))).isFalse();
        assertThat(S3Errors.isNotFound(s3(500, "InternalError"))).isFalse();
        assertThat(S3Errors.isNotFound(SdkClientException.create("no connection"))).isFalse();
    }

    @Test
    void readingAnArchivedObjectIsAnArchiveRefusalNotAnAccessDenial() {
        RuntimeException translated = translate(s3(403, "InvalidObjectState"));

        assertThat(translated).isInstanceOf(ObjectArchivedException.class);
        assertThat(translated.getMessage()).contains("is archived", "bucket 'anomstack-models-prod'", ACTION)
                .doesNotContain("IAM");
        assertThat(((ObjectArchivedException) translated).storageClass()).isNull();
    }

    @Test
    void theModeledRefusalNamesStorageClassAndIntelligentTieringTier() {
        InvalidObjectStateException refusal = (InvalidObjectStateException) InvalidObjectStateException.builder()
                .storageClass(StorageClass.INTELLIGENT_TIERING)
                .accessTier(IntelligentTieringAccessTier.DEEP_ARCHIVE_ACCESS)
                .statusCode(403)
                .build();

        ObjectArchivedException translated = (ObjectArchivedException) translate(refusal);

        assertThat(translated.storageClass()).isEqualTo("INTELLIGENT_TIERING");
        assertThat(translated.accessTier()).isEqualTo("DEEP_ARCHIVE_ACCESS");
        assertThat(translated).hasCause(refusal);
    }

    @Test
    void anInvalidObjectStateOtherThan403IsNoArchiveRefusal() {
        assertThat(S3Errors.isArchived(s3(400, "InvalidObjectState"))).isFalse();
        assertThat(S3Errors.isArchived(s3(403, "AccessDenied"))).isFalse();
    }
}
