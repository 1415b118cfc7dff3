package io.anomstack.modelstore.bucket;

import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.GetPublicAccessBlockResponse;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionByDefault;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * A part of a bucket's configuration that S3 reads and writes as a whole, so reconciling it is: read, compare with
 * the desired value, write that value if it differs. Each part names the IAM permissions its requests need.
 *
 * @param <T> the part, as the service describes it
 */
interface BucketSetting<T> {

    BucketStep step();

    String readPermission();

    String writePermission();

    /**
     * The part as S3 reports it, {@code null} when the bucket has none.
     *
     * @throws UnsupportedByServer when the answer shows the server does not really implement the part
     */
    T read(ManagedBucket bucket);

    T desired(ManagedBucket bucket);

    boolean matches(T actual, T desired);

    void write(ManagedBucket bucket, T desired);

    /** An answer in the form of success that holds nothing a real implementation would ever answer. */
    final class UnsupportedByServer extends RuntimeException {
        UnsupportedByServer(String message) {
            super(message);
        }
    }

    /** Versioning keeps a deleted or pruned model recoverable until its noncurrent version expires. */
    final class Versioning implements BucketSetting<String> {

        static final String ENABLED = BucketVersioningStatus.ENABLED.toString();
        /** S3 reports no status for a bucket whose versioning was never enabled. */
        static final String NEVER_ENABLED = "Disabled";

        @Override
        public BucketStep step() {
            return BucketStep.VERSIONING;
        }

        @Override
        public String readPermission() {
            return "s3:GetBucketVersioning";
        }

        @Override
        public String writePermission() {
            return "s3:PutBucketVersioning";
        }

        @Override
        public String read(ManagedBucket bucket) {
            String status = bucket.client().getBucketVersioning(b -> b.bucket(bucket.bucket())).statusAsString();
            return status == null ? NEVER_ENABLED : status;
        }

        @Override
        public String desired(ManagedBucket bucket) {
            return ENABLED;
        }

        @Override
        public boolean matches(String actual, String desired) {
            return desired.equals(actual);
        }

        @Override
        public void write(ManagedBucket bucket, String desired) {
            bucket.client().putBucketVersioning(b -> b.bucket(bucket.bucket())
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.fromValue(desired))));
        }
    }

    /** Models are private to the service's identity: all four public access block flags are set. */
    final class PublicAccess implements BucketSetting<PublicAccessBlock> {

        @Override
        public BucketStep step() {
            return BucketStep.PUBLIC_ACCESS_BLOCK;
        }

        @Override
        public String readPermission() {
            return "s3:GetBucketPublicAccessBlock";
        }

        @Override
        public String writePermission() {
            return "s3:PutBucketPublicAccessBlock";
        }

        @Override
        public PublicAccessBlock read(ManagedBucket bucket) {
            GetPublicAccessBlockResponse response = bucket.client().getPublicAccessBlock(b -> b.bucket(bucket.bucket()));
            PublicAccessBlockConfiguration config = response.publicAccessBlockConfiguration();
            if (config == null || (config.blockPublicAcls() == null && config.ignorePublicAcls() == null
                    && config.blockPublicPolicy() == null && config.restrictPublicBuckets() == null)) {
                // S3 answers all four flags or 404 NoSuchPublicAccessBlockConfiguration. S3Mock 5.2.3 answers an empty
                // configuration and takes the PUT for a CreateBucket (409 BucketAlreadyOwnedByYou).
                throw new UnsupportedByServer("The S3 server answered a public access block without any flag");
            }
            return new PublicAccessBlock(config.blockPublicAcls(), config.ignorePublicAcls(), config.blockPublicPolicy(),
                    config.restrictPublicBuckets());
        }

        @Override
        public PublicAccessBlock desired(ManagedBucket bucket) {
            return PublicAccessBlock.ALL_BLOCKED;
        }

        @Override
        public boolean matches(PublicAccessBlock actual, PublicAccessBlock desired) {
            return desired.equals(actual);
        }

        @Override
        public void write(ManagedBucket bucket, PublicAccessBlock desired) {
            bucket.client().putPublicAccessBlock(b -> b.bucket(bucket.bucket()).publicAccessBlockConfiguration(c -> c
                    .blockPublicAcls(desired.blockPublicAcls())
                    .ignorePublicAcls(desired.ignorePublicAcls())
                    .blockPublicPolicy(desired.blockPublicPolicy())
                    .restrictPublicBuckets(desired.restrictPublicBuckets())));
        }
    }

    /** Default encryption covers objects written without encryption headers, whoever writes them. */
    final class Encryption implements BucketSetting<DefaultEncryption> {

        @Override
        public BucketStep step() {
            return BucketStep.ENCRYPTION;
        }

        @Override
        public String readPermission() {
            return "s3:GetEncryptionConfiguration";
        }

        @Override
        public String writePermission() {
            return "s3:PutEncryptionConfiguration";
        }

        @Override
        public DefaultEncryption read(ManagedBucket bucket) {
            ServerSideEncryptionConfiguration config = bucket.client()
                    .getBucketEncryption(b -> b.bucket(bucket.bucket())).serverSideEncryptionConfiguration();
            if (config == null || config.rules().isEmpty() || config.rules().get(0).applyServerSideEncryptionByDefault() == null) {
                // S3 answers one rule or 404 ServerSideEncryptionConfigurationNotFoundError. S3Mock 5.2.3 answers an
                // empty configuration and takes the PUT for a CreateBucket (409 BucketAlreadyOwnedByYou).
                throw new UnsupportedByServer("The S3 server answered a default encryption without any rule");
            }
            ServerSideEncryptionRule rule = config.rules().get(0);
            ServerSideEncryptionByDefault byDefault = rule.applyServerSideEncryptionByDefault();
            return new DefaultEncryption(byDefault.sseAlgorithmAsString(), byDefault.kmsMasterKeyID(), rule.bucketKeyEnabled());
        }

        @Override
        public DefaultEncryption desired(ManagedBucket bucket) {
            return bucket.encryption();
        }

        @Override
        public boolean matches(DefaultEncryption actual, DefaultEncryption desired) {
            return desired.satisfiedBy(actual);
        }

        @Override
        public void write(ManagedBucket bucket, DefaultEncryption desired) {
            ServerSideEncryptionRule rule = ServerSideEncryptionRule.builder()
                    .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(desired.algorithm()).kmsMasterKeyID(desired.kmsKeyId()))
                    .bucketKeyEnabled(desired.bucketKeyEnabled())
                    .build();
            bucket.client().putBucketEncryption(b -> b.bucket(bucket.bucket())
                    .serverSideEncryptionConfiguration(c -> c.rules(rule)));
        }
    }
}
