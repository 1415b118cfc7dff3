#!/usr/bin/python3
"""Makes the legitimate model pickles the scanner's tests and the default allow-list are derived from.

Run with Debian's interpreter, which has scikit-learn and joblib (apt-get install python3-sklearn python3-joblib):
    /usr/bin/python3 src/test/resources/pickles/make_legit.py
Writes legit/*.pkl (small models: few samples and trees) and prints every global each one imports (pickletools),
one "module.name" a line, sorted: the input of src/main/resources/pickle/allowed-globals.txt.
"""
import _compat_pickle
import io
import os
import pickle
import pickletools
import sys

import joblib
import numpy as np
import scipy
import sklearn
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler
from sklearn.cluster import KMeans
from sklearn.covariance import EllipticEnvelope, MinCovDet
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import KernelDensity
from sklearn.neighbors import NearestNeighbors
from sklearn.svm import OneClassSVM
from joblib.numpy_pickle import NumpyUnpickler

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "legit")


def models():
    rng = np.random.RandomState(42)
    x = rng.normal(size=(40, 3))
    yield "isolation_forest", IsolationForest(n_estimators=3, random_state=0).fit(x)
    yield "isolation_forest_rng", IsolationForest(n_estimators=2, random_state=np.random.RandomState(1)).fit(x)
    yield "lof_novelty", LocalOutlierFactor(n_neighbors=5, novelty=True).fit(x)
    yield "pca", PCA(n_components=2).fit(x)
    yield "pipeline_scaler_pca", Pipeline([("scale", StandardScaler()), ("pca", PCA(n_components=2))]).fit(x)
    yield "pipeline_scaler_iforest", Pipeline([("scale", StandardScaler()),
                                               ("forest", IsolationForest(n_estimators=2, random_state=0))]).fit(x)
    yield "nearest_neighbors_ball_tree", NearestNeighbors(n_neighbors=3, algorithm="ball_tree").fit(x)
    yield "nearest_neighbors_kd_tree_manhattan", NearestNeighbors(n_neighbors=3, algorithm="kd_tree", metric="manhattan").fit(x)
    yield "one_class_svm", OneClassSVM(nu=0.2).fit(x)
    yield "elliptic_envelope", EllipticEnvelope(random_state=0).fit(x)
    yield "pipeline_minmax_robust", Pipeline([("minmax", MinMaxScaler()), ("robust", RobustScaler())]).fit(x)
    # What PyOD's MCD, GMM, KDE and CBLOF detectors hold.
    yield "min_cov_det", MinCovDet(random_state=0).fit(x)
    yield "gaussian_mixture", GaussianMixture(n_components=2, random_state=0).fit(x)
    yield "kernel_density", KernelDensity().fit(x)
    yield "kmeans", KMeans(n_clusters=2, n_init=1, random_state=0).fit(x)
    yield "numpy_arrays", {"float": x, "int": np.arange(10), "bool": x > 0, "str": np.array(["a", "bc"]),
                           "scalar": np.float64(1.5), "generator": np.random.default_rng(0)}


def effective_name(proto, module, name):
    """The global Python imports: before protocol 3, Python 2 names are mapped to Python 3's (fix_imports)."""
    if proto < 3:
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
    return f"{module}.{name}"


class Recording(pickle._Unpickler):  # the Python implementation: it tells its protocol
    """Loads one of the pickles made here (never anything else) and notes every global it imports."""

    def __init__(self, file, found):
        super().__init__(file)
        self.found = found

    def find_class(self, module, name):
        self.found.add(effective_name(self.proto, module, name))
        return super().find_class(module, name)


class RecordingJoblib(NumpyUnpickler):
    def __init__(self, path, file, found):
        super().__init__(path, file)
        self.found = found

    def find_class(self, module, name):
        self.found.add(effective_name(self.proto, module, name))
        return super().find_class(module, name)


def globals_of(data):
    """Every module.name a pickle imports, as the unpickler itself asks for them."""
    found = set()
    Recording(io.BytesIO(data), found).load()
    return found


def joblib_globals_of(path):
    found = set()
    with open(path, "rb") as file:
        RecordingJoblib(path, file, found).load()
    return found


def main():
    os.makedirs(HERE, exist_ok=True)
    every = set()
    manifest = {}
    print(f"# python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"scikit-learn {sklearn.__version__}, joblib {joblib.__version__}", file=sys.stderr)
    for name, model in models():
        for protocol in ((0, 1, 2, 3, 4, 5) if name in ("pca", "numpy_arrays") else (2, 3, 4, 5)):
            data = pickle.dumps(model, protocol=protocol)
            with open(os.path.join(HERE, f"{name}.p{protocol}.pkl"), "wb") as out:
                out.write(data)
            manifest[f"{name}.p{protocol}.pkl"] = globals_of(data)
        for protocol in (2, 4):
            path = os.path.join(HERE, f"{name}.joblib.p{protocol}.pkl")
            joblib.dump(model, path, protocol=protocol)
            manifest[os.path.basename(path)] = joblib_globals_of(path)
    forest = next(m for n, m in models() if n == "isolation_forest")
    joblib.dump(forest, os.path.join(HERE, "isolation_forest.joblib.z"), compress=3)
    path = os.path.join(HERE, "object_array.joblib.p2.pkl")
    joblib.dump(np.array([{"a": 1}, None], dtype=object), path, protocol=2)
    manifest[os.path.basename(path)] = joblib_globals_of(path)
    with open(os.path.join(HERE, "globals.tsv"), "w") as out:
        out.write("# fixture\tthe globals its unpickler imports (written by make_legit.py)\n")
        for fixture, found in sorted(manifest.items()):
            out.write(fixture + "\t" + " ".join(sorted(found)) + "\n")
            every |= found
    for name in sorted(every):
        print(name)


if __name__ == "__main__":
    main()
