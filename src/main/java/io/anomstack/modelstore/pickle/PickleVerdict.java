package io.anomstack.modelstore.pickle;

/** What the scan of a model body concluded, as the descriptor's {@code pickle.verdict} spells it. */
public enum PickleVerdict {

    /** A pickle that parses to its STOP and imports only allowed globals. */
    ALLOWED("allowed"),
    /** A pickle that imports a global outside the allow-list (or one the scanner cannot name). */
    UNSAFE("unsafe"),
    /** Starts as a pickle, but does not parse to its STOP (truncated, corrupt, or built to confuse a scanner). */
    MALFORMED("malformed"),
    /** Not a pickle at all (ONNX, zip, joblib's compressed files, random bytes): nothing in it can be unpickled. */
    NOT_A_PICKLE("not-a-pickle"),
    /** The batch's policy is {@code off}: the body was not scanned. */
    UNCHECKED("unchecked");

    private final String token;

    PickleVerdict(String token) {
        this.token = token;
    }

    /** The verdict as the descriptor and the API spell it. */
    public String token() {
        return token;
    }
}
