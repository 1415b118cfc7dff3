package io.anomstack.modelstore.web.download;

import io.anomstack.modelstore.problem.ProblemException;
import io.anomstack.modelstore.problem.ProblemType;

/** A {@code Range} that names no valid byte range of the model: malformed, inverted or past its end. */
public class RangeNotSatisfiableException extends ProblemException {

    private final long size;

    RangeNotSatisfiableException(long size) {
        super(ProblemType.RANGE_NOT_SATISFIABLE,
                "The Range header asks for no valid byte range of this model, which has " + size + " bytes: send one "
                + "range such as bytes=0-1023 or bytes=-1024 within it.");
        this.size = size;
    }

    public long size() {
        return size;
    }
}
