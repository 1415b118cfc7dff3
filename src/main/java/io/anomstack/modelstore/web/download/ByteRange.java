package io.anomstack.modelstore.web.download;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a model of known size, from a {@code Range: bytes=…} header. A {@code bytes} range that is
 * malformed, inverted, beyond any number or past the end is refused (416), so that a client learns its mistake;
 * several well-formed ranges and other units are ignored (the whole model is sent), as RFC 9110 allows.
 *
 * @param first first byte, inclusive
 * @param last  last byte, inclusive
 */
record ByteRange(long first, long last) {

    private static final Pattern SINGLE = Pattern.compile("\\s*(\\d*)\\s*-\\s*(\\d*)\\s*");
    private static final String UNIT = "bytes=";
    private static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    /** @return the range, an unsatisfiable range, or {@code null} when the header is to be ignored */
    static ByteRange parse(String header, long size) {
        String value = header.trim();
        if (!value.regionMatches(true, 0, UNIT, 0, UNIT.length())) {
            return null;
        }
        String[] ranges = value.substring(UNIT.length()).split(",", -1);
        ByteRange single = null;
        for (String range : ranges) {
            single = parseOne(range, size);
            if (single == null) {
                return UNSATISFIABLE;
            }
        }
        return ranges.length > 1 ? null : single;
    }

    /** @return the range, unsatisfiable when past the end, or {@code null} when it is not a valid range at all */
    private static ByteRange parseOne(String range, long size) {
        Matcher matcher = SINGLE.matcher(range);
        if (!matcher.matches() || (matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
            return null;
        }
        try {
            if (matcher.group(1).isEmpty()) {
                long suffix = Long.parseLong(matcher.group(2));
                return suffix == 0 || size == 0 ? UNSATISFIABLE : new ByteRange(Math.max(0, size - suffix), size - 1);
            }
            long first = Long.parseLong(matcher.group(1));
            long last = matcher.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(matcher.group(2));
            if (last < first) {
                return null;
            }
            return first >= size ? UNSATISFIABLE : new ByteRange(first, Math.min(last, size - 1));
        } catch (NumberFormatException tooLong) {
            return null;
        }
    }

    boolean satisfiable() {
        return first >= 0;
    }

    long length() {
        return last - first + 1;
    }
}
