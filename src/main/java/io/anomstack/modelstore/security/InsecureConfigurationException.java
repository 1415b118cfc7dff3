package io.anomstack.modelstore.security;

/** Start-up refused: the service would store models in S3 with nobody having to authenticate. */
class InsecureConfigurationException extends IllegalStateException {

    InsecureConfigurationException() {
        super("No API key is configured and modelstore.security.allow-anonymous is not set, so anybody who can reach "
                + "this service could read, overwrite and delete the models in the bucket.");
    }
}
