#!/usr/bin/python3
"""Makes the hostile pickles the scanner and the client's restricted unpickler must refuse, and expected.tsv.

Each is built opcode by opcode (or, for the nested ones, by pickling a real scikit-learn model that holds a
malicious object), so that every route to an import is covered: GLOBAL, INST, STACK_GLOBAL with strings from the
stack and from the memo (BINGET, LONG_BINGET, GET, MEMOIZE, PUT), the extension registry, OBJ/NEWOBJ/REDUCE, Python 2
names, dotted names through allowed modules, joblib's raw array bytes, protocols 0 to 5, truncated and malformed
streams. Every payload only creates MARKER, so a test can tell that nothing ran.
    /usr/bin/python3 src/test/resources/pickles/hostile/make_hostile.py
"""
import io
import os
import pickle
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MARKER = "/tmp/anomstack-model-store-pwned"
COMMAND = f"touch {MARKER}"


def u(text):
    """SHORT_BINUNICODE."""
    data = text.encode()
    return b"\x8c" + bytes([len(data)]) + data


def binunicode(text):
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def call_with_command():
    """(COMMAND,) then REDUCE: calls what is on the stack with the command, then STOP."""
    return binunicode(COMMAND) + b"\x85R."


def proto(n):
    return b"\x80" + bytes([n])


def frame(body):
    return b"\x95" + struct.pack("<Q", len(body)) + body


class Evil:
    """Pickles as os.system(COMMAND): what a compromised trainer would slip into a model."""

    def __reduce__(self):
        return os.system, (COMMAND,)


def corpus():
    # GLOBAL, protocol 0 to 2, and Python 2 names Python 3 maps (fix_imports).
    yield "global_os_system_p0", b"cos\nsystem\n(S'" + COMMAND.encode() + b"'\ntR.", "unsafe", "os.system"
    yield "global_posix_system_p1", b"cposix\nsystem\n(" + binunicode(COMMAND) + b"tR.", "unsafe", "posix.system"
    yield "global_subprocess_call_p2", proto(2) + b"csubprocess\ncall\n(](" + binunicode("touch") + binunicode(MARKER) + b"etR.", "unsafe", "subprocess.call"
    yield "python2_builtin_eval_p2", proto(2) + b"c__builtin__\neval\n" + binunicode("__import__('os').system('" + COMMAND + "')") + b"\x85R.", "unsafe", "builtins.eval"
    yield "python2_commands_getoutput_p0", b"ccommands\ngetoutput\n(S'" + COMMAND.encode() + b"'\ntR.", "unsafe", "subprocess.getoutput"
    # INST and OBJ: a call without REDUCE.
    yield "inst_os_system_p0", b"(S'" + COMMAND.encode() + b"'\nios\nsystem\n.", "unsafe", "os.system"
    yield "obj_builtins_exec_p1", b"(cbuiltins\nexec\n" + binunicode("open('" + MARKER + "', 'w')") + b"o.", "unsafe", "builtins.exec"
    yield "newobj_popen_p2", proto(2) + b"csubprocess\nPopen\n" + binunicode("touch") + binunicode(MARKER) + b"\x86\x85\x81.", "unsafe", "subprocess.Popen"
    yield "newobj_ex_popen_p4", proto(4) + u("subprocess") + u("Popen") + b"\x93" + u("touch") + u(MARKER) + b"\x86\x85}\x92.", "unsafe", "subprocess.Popen"
    # STACK_GLOBAL: strings from the stack, then from the memo.
    yield "stack_global_os_system_p4", proto(4) + frame(u("os") + u("system") + b"\x93" + call_with_command()), "unsafe", "os.system"
    yield "stack_global_memoize_binget_p4", proto(4) + u("numpy") + b"\x94" + u("os") + b"\x94" + u("system") + b"\x94" + b"000" + b"h\x01h\x02\x93" + call_with_command(), "unsafe", "os.system"
    yield "stack_global_long_binget_p4", proto(4) + u("os") + b"r" + struct.pack("<I", 70000) + u("system") + b"r" + struct.pack("<I", 70001) + b"00" + b"j" + struct.pack("<I", 70000) + b"j" + struct.pack("<I", 70001) + b"\x93" + call_with_command(), "unsafe", "os.system"
    yield "stack_global_put_get_p4", proto(4) + u("os") + b"p7\n" + u("system") + b"p8\n00" + b"g7\ng8\n\x93" + call_with_command(), "unsafe", "os.system"
    yield "memo_overwritten_p4", proto(4) + u("numpy") + b"q\x00" + u("os") + b"q\x00" + b"00" + b"h\x00" + u("system") + b"\x93" + call_with_command(), "unsafe", "os.system"
    yield "memoize_after_sparse_put_p4", proto(4) + u("numpy") + b"q\x05" + u("os") + b"\x94" + b"00" + b"h\x01" + u("system") + b"\x93" + call_with_command(), "unsafe", "os.system"
    yield "dup_module_name_p4", proto(4) + u("os") + b"2" + b"0" + u("system") + b"\x93" + call_with_command(), "unsafe", "os.system"
    yield "pop_mark_confusion_p4", proto(4) + u("os") + b"(" + u("numpy") + b"0" + b"0" + u("system") + b"\x93" + call_with_command(), "unsafe", "os.system"
    yield "pop_mark_opcode_p4", proto(4) + u("os") + b"(" + u("numpy") + u("sklearn") + b"1" + u("system") + b"\x93" + call_with_command(), "unsafe", "os.system"
    # Names the scanner cannot follow are refused, never guessed.
    yield "stack_global_from_call_p4", proto(4) + b"c_codecs\nencode\n" + u("os") + u("latin1") + b"\x86R" + u("system") + b"\x93" + call_with_command(), "unsafe", "<unresolved STACK_GLOBAL>"
    yield "stack_global_long_string_p4", proto(4) + binunicode("os" + " " * 300) + u("system") + b"\x93" + call_with_command(), "unsafe", "<unresolved STACK_GLOBAL>"
    yield "stack_global_escaped_unicode_p4", proto(4) + b"Vo\\u0073\n" + u("system") + b"\x93" + call_with_command(), "unsafe", "<unresolved STACK_GLOBAL>"
    # The extension registry: what a code imports is the scorer's copyreg's choice.
    yield "ext1_p2", proto(2) + b"\x82\x01" + call_with_command(), "unsafe", "<extension 1>"
    yield "ext2_p2", proto(2) + b"\x83\x00\x01" + call_with_command(), "unsafe", "<extension 256>"
    yield "ext4_p2", proto(2) + b"\x84" + struct.pack("<i", 65536) + call_with_command(), "unsafe", "<extension 65536>"
    # Bypasses through allowed modules: a denied name, a dotted name, a dunder.
    yield "numpy_load_p2", proto(2) + b"cnumpy\nload\n" + binunicode(MARKER) + b"\x85R.", "unsafe", "numpy.load"
    yield "numpy_testing_runstring_p4", proto(4) + u("numpy.testing._private.utils") + u("runstring") + b"\x93" + binunicode("open('" + MARKER + "', 'w')") + b"}\x86R.", "unsafe", "numpy.testing._private.utils.runstring"
    yield "builtins_getattr_p4", proto(4) + u("builtins") + u("getattr") + b"\x93" + u("numpy") + u("dtype") + b"\x93" + u("__init__") + b"\x86R.", "unsafe", "builtins.getattr"
    yield "dotted_name_through_allowed_module_p4", proto(4) + u("joblib.numpy_pickle") + u("os.system") + b"\x93" + call_with_command(), "unsafe", "joblib.numpy_pickle:os.system"
    yield "dunder_through_allowed_class_p4", proto(4) + u("sklearn.pipeline") + u("Pipeline.__init__.__globals__") + b"\x93.", "unsafe", "sklearn.pipeline:Pipeline.__init__.__globals__"
    # Hidden inside legitimate models.
    yield from nested()
    # Truncated and malformed streams, trailing pickles.
    yield "truncated_after_global_p2", proto(2) + b"cos\nsystem\n" + binunicode(COMMAND)[:5], "malformed", "os.system"
    yield "invalid_opcode_after_global_p4", proto(4) + u("numpy") + u("dtype") + b"\x93\xff.", "malformed", "numpy.dtype"
    yield "persistent_id_after_global_p0", b"cos\nsystem\nPpwned\n.", "malformed", "os.system"
    yield "stack_underflow_after_global_p2", proto(2) + b"cnumpy\ndtype\nRR.", "malformed", "numpy.dtype"
    yield "second_pickle_after_stop_p4", proto(4) + b"N." + proto(4) + u("os") + u("system") + b"\x93" + call_with_command(), "unsafe", "os.system"
    yield "unsupported_protocol_after_global_p2", proto(2) + b"cnumpy\ndtype\n" + proto(6) + b".", "malformed", "numpy.dtype"


def nested():
    import numpy as np
    from sklearn.decomposition import PCA
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    import joblib

    x = np.random.RandomState(0).normal(size=(20, 3))
    pca = PCA(n_components=2).fit(x)
    pca.evil_ = Evil()
    yield "nested_in_pca_p4", pickle.dumps(pca, protocol=4), "unsafe", "posix.system"
    pipeline = Pipeline([("scale", StandardScaler()), ("pca", PCA(n_components=2))]).fit(x)
    pipeline.steps[0][1].mean_ = [pipeline.steps[0][1].mean_, Evil()]
    yield "nested_in_pipeline_p2", pickle.dumps(pipeline, protocol=2), "unsafe", "posix.system"
    for protocol in (0, 5):
        yield f"nested_in_dict_p{protocol}", pickle.dumps({"model": PCA(n_components=1).fit(x), "hook": Evil()}, protocol=protocol), "unsafe", "posix.system"
    buffer = io.BytesIO()
    joblib.dump({"weights": x, "hook": Evil()}, buffer, protocol=4)
    yield "nested_in_joblib_p4", buffer.getvalue(), "unsafe", "posix.system"
    # A joblib wrapper that announces fewer array bytes than follow: the "array" hides opcodes.
    buffer = io.BytesIO()
    joblib.dump(np.zeros(1), buffer, protocol=2)
    plain = buffer.getvalue()
    at = plain.index(b"\x00" * 8)
    smuggled = plain[:at] + b"\x00" * 8 + b"0" + b"cos\nsystem\n" + call_with_command()
    yield "joblib_array_bytes_smuggle_opcodes_p2", smuggled, "unsafe", "os.system"
    buffer = io.BytesIO()
    joblib.dump([np.zeros(2)], buffer, protocol=2)
    old = buffer.getvalue().replace(b"numpy_array_alignment_bytes", b"numpy_array_alignment_bytez")
    yield "joblib_wrapper_without_alignment_p2", old, "malformed", "joblib.numpy_pickle.NumpyArrayWrapper"
    buffer = io.BytesIO()
    joblib.dump(np.array([None], dtype=object), buffer, protocol=2)
    objects = buffer.getvalue()
    inner = objects.index(b"\x80\x02", 2)
    hostile_inner = proto(2) + u("os") + b"\x94" + b"0" + b"h\x00" + u("system") + b"\x93" + call_with_command()
    yield "joblib_object_array_with_protocol4_opcodes", objects[:inner] + hostile_inner, "malformed", "joblib.numpy_pickle.NumpyArrayWrapper"
    yield "large_frames_and_bytes_p5", proto(5) + frame(b"\x8e" + struct.pack("<Q", 70000) + b"\x00" * 70000 + b"0") + frame(u("os") + u("system") + b"\x93") + call_with_command(), "unsafe", "os.system"


def main():
    if os.path.exists(MARKER):
        os.remove(MARKER)
    rows = []
    for name, data, verdict, must_list in corpus():
        with open(os.path.join(HERE, name + ".pkl"), "wb") as out:
            out.write(data)
        rows.append(f"{name}.pkl\t{verdict}\t{must_list}")
    with open(os.path.join(HERE, "expected.tsv"), "w") as out:
        out.write("# fixture\tverdict\tthe global the report must list (written by make_hostile.py)\n")
        out.write("\n".join(rows) + "\n")
    print(f"{len(rows)} hostile pickles", file=sys.stderr)


if __name__ == "__main__":
    main()
