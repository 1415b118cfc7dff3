package io.anomstack.modelstore.pickle;

import java.util.List;

/**
 * The array a joblib {@code NumpyArrayWrapper} stands for, sized from the wrapper's state: joblib writes the array's
 * bytes right after the wrapper (after a padding-length byte and the padding), or, for arrays of Python objects, a
 * pickle of its own.
 *
 * @param bytes      the array's bytes: elements times item size
 * @param hasObjects whether the dtype holds Python objects
 */
record JoblibArray(long bytes, boolean hasObjects) {

    /** numpy's NPY_ITEM_REFCOUNT flag: the dtype holds Python objects. */
    private static final long HAS_OBJECTS = 1;

    static JoblibArray of(PickleMachine.Call wrapper) {
        if (!(wrapper.state instanceof PickleMachine.Dict state)) {
            throw unreadable("its state is not a dict");
        }
        if (!(state.entries.get("shape") instanceof List<?> shape)) {
            throw unreadable("no shape");
        }
        if (!(state.entries.get("dtype") instanceof PickleMachine.Call dtype) || !dtype.callable.equals("numpy.dtype")
                || !(dtype.args instanceof List<?> args) || args.isEmpty() || !(args.get(0) instanceof String type)) {
            throw unreadable("no dtype");
        }
        List<?> dtypeState = dtype.state instanceof List<?> list ? list : List.of();
        boolean objects = type.startsWith("O") || dtypeState.size() > 7 && dtypeState.get(7) instanceof Long flags
                && (flags & HAS_OBJECTS) != 0;
        if (objects) {
            return new JoblibArray(0, true);
        }
        if (!(state.entries.get("numpy_array_alignment_bytes") instanceof Long)) {
            throw unreadable("no alignment padding (files of joblib 1.1 and older)");
        }
        long itemSize = dtypeState.size() > 5 && dtypeState.get(5) instanceof Long size && size > 0 ? size : itemSize(type);
        long count = 1;
        try {
            for (Object dimension : shape) {
                if (!(dimension instanceof Long length) || length < 0) {
                    throw unreadable("a shape that is not a tuple of sizes");
                }
                count = Math.multiplyExact(count, length);
            }
            return new JoblibArray(Math.multiplyExact(count, itemSize), false);
        } catch (ArithmeticException e) {
            throw unreadable("an array larger than any body");
        }
    }

    /** The item size a fixed-size dtype string names: {@code f8}, {@code <i4}, {@code b1}, {@code c16}. */
    private static long itemSize(String type) {
        String digits = type.replaceFirst("^[<>|=]?[a-zA-Z?]+", "");
        if (!digits.matches("[0-9]{1,6}")) {
            throw unreadable("a dtype '" + type + "' of unknown item size");
        }
        return Long.parseLong(digits);
    }

    private static PickleScanner.Malformed unreadable(String why) {
        return new PickleScanner.Malformed("a joblib array wrapper with " + why, true);
    }
}
