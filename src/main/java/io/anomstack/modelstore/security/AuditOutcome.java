package io.anomstack.modelstore.security;

/** The outcome an audit line gives an answered request, by its status; the same for the REST API and the S3 API. */
public final class AuditOutcome {

    private AuditOutcome() {
    }

    /** {@code success}, {@code denied} (401, 403), {@code rejected} (other 4xx) or {@code failed} (5xx). */
    public static String of(int status) {
        if (status < 400) {
            return "success";
        }
        if (status == 401 || status == 403) {
            return "denied";
        }
        return status < 500 ? "rejected" : "failed";
    }
}
