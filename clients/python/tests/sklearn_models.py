"""Loads every real scikit-learn fixture through the client's restricted unpickler with the globals the service listed.
Run by test_safe_pickle in this interpreter, or, when this one has no scikit-learn, as a script in one that has it
(Debian's /usr/bin/python3 with python3-sklearn): it needs nothing but the standard library and scikit-learn.

Usage: python3 sklearn_models.py
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
LEGIT = os.path.join(REPO, "src", "test", "resources", "pickles", "legit")


def safe_pickle_module():
    """The client's safe_pickle alone, without the package (whose client needs requests)."""
    path = os.path.join(HERE, "..", "anomstack_model_store", "safe_pickle.py")
    spec = importlib.util.spec_from_file_location("safe_pickle_alone", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_all(safe_pickle):
    """Loads each fixture; returns the names loaded. Raises on the first that the unpickler refuses."""
    with open(os.path.join(LEGIT, "globals.tsv")) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    loaded = []
    for name, listed in rows:
        if ".joblib." in name:
            continue
        with open(os.path.join(LEGIT, name), "rb") as model:
            if safe_pickle.loads(model.read(), scanned_globals=listed.split(" ")) is None:
                raise AssertionError(f"{name} loaded as None")
        loaded.append(name)
    return loaded


if __name__ == "__main__":
    names = load_all(safe_pickle_module())
    print(f"{len(names)} scikit-learn models loaded", file=sys.stderr)
