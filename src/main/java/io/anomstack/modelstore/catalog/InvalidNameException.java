package io.anomstack.modelstore.catalog;

import io.anomstack.modelstore.problem.ProblemType;

/** A batch, metric, tag, version or file name that cannot be used. */
public class InvalidNameException extends ModelStoreException {

    private final String kind;

    public InvalidNameException(String kind, String value, String rule) {
        super(ProblemType.INVALID_NAME, "Invalid " + kind + " '" + abbreviate(value) + "': it " + rule + ".");
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }

    private static String abbreviate(String value) {
        if (value == null) {
            return "";
        }
        String printable = value.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 140 ? printable.substring(0, 140) + "…" : printable;
    }
}
