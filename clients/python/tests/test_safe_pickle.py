"""Model safety in the client: the restricted unpickler refuses the hostile corpus the service refuses, even for a
model the service stored unscanned, and the drop-in records and checks the training environment."""

import contextlib
import csv
import glob
import io
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid
import warnings
from unittest import mock

from anomstack_model_store import ModelStoreClient, anomstack, cli, safe_pickle
from anomstack_model_store.errors import TrainingEnvironmentWarning, UnsafePickle
from anomstack_model_store.client import API_KEY_ENV
import sklearn_models
from service import ServiceProcess

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PICKLES = os.path.join(REPO, "src", "test", "resources", "pickles")
MARKER = "/tmp/anomstack-model-store-pwned"
KEY = "python-safety-" + uuid.uuid4().hex

try:
    import sklearn  # noqa: F401
    HAS_SKLEARN = True
except ImportError:
    HAS_SKLEARN = False

service = None
scratch = None


def setUpModule():
    global service, scratch
    scratch = tempfile.mkdtemp(prefix="modelstore-python-safety-")
    batches = os.path.join(scratch, "batches")
    os.makedirs(batches)
    with open(os.path.join(batches, "scan_off.yaml"), "w") as f:
        f.write('metric_batch: "scan_off"\nmodel_store_params:\n  pickle: { policy: "off" }\n')
    service = ServiceProcess({"python-admin": (KEY, "admin")}, {"MODELSTORE_BATCHES_DIR": batches}).start()


def tearDownModule():
    if service is not None:
        service.stop()
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


def hostile_fixtures():
    with open(os.path.join(PICKLES, "hostile", "expected.tsv"), newline="") as f:
        rows = [row for row in csv.reader(f, delimiter="\t") if row and not row[0].startswith("#")]
    return [(os.path.join(PICKLES, "hostile", name), verdict, name_of_global) for name, verdict, name_of_global in rows]


def read(path):
    with open(path, "rb") as f:
        return f.read()


class RestrictedUnpicklerTest(unittest.TestCase):

    def setUp(self):
        if os.path.exists(MARKER):
            os.remove(MARKER)

    def test_every_hostile_pickle_is_refused_and_runs_nothing(self):
        fixtures = hostile_fixtures()
        self.assertGreaterEqual(len(fixtures), 30)
        for path, verdict, name_of_global in fixtures:
            with self.subTest(os.path.basename(path)):
                with open(path, "rb") as f:
                    unpickler = safe_pickle.RestrictedUnpickler(f)
                    with self.assertRaises(Exception) as refused:
                        # A stream may hold a second pickle after its STOP: a second load() reads it.
                        unpickler.load()
                        unpickler.load()
                self.assertFalse(os.path.exists(MARKER), f"{path} ran its payload")
                name = os.path.basename(path)
                # A plain unpickler stops at the padding byte after a joblib array, before what follows it.
                joblib_format = "joblib" in name
                needs_models = name.startswith("nested_")
                if (verdict == "unsafe" and not name_of_global.startswith("<") and not joblib_format
                        and (HAS_SKLEARN or not needs_models)):
                    self.assertIsInstance(refused.exception, safe_pickle.UnsafePickleError, str(refused.exception))
                    self.assertEqual(name_of_global, refused.exception.global_name)

    def test_plain_data_and_python_2_names_of_allowed_globals_load(self):
        data = {"set": {1, 2}, "bytes": b"\x00\xff", "slice": slice(1, 5), "complex": 1 + 2j, "frozen": frozenset("ab")}
        for protocol in range(0, pickle.HIGHEST_PROTOCOL + 1):
            self.assertEqual(data, safe_pickle.loads(pickle.dumps(data, protocol=protocol)))

    def test_real_scikit_learn_models_load_with_the_globals_the_service_listed(self):
        if HAS_SKLEARN:
            self.assertTrue(sklearn_models.load_all(safe_pickle))
            return
        # The project's Python may lack scikit-learn where Debian's has it (python3-sklearn): check there.
        debian = "/usr/bin/python3"
        if os.path.realpath(debian) != os.path.realpath(sys.executable) and subprocess.run(
                [debian, "-c", "import sklearn"], capture_output=True).returncode == 0:
            check = subprocess.run([debian, sklearn_models.__file__], capture_output=True, text=True)
            self.assertEqual(0, check.returncode, check.stderr)
            return
        if os.environ.get("MODELSTORE_REQUIRE_TOOLS") == "true":
            self.fail("scikit-learn is not installed (Debian: python3-sklearn python3-joblib)")
        self.skipTest("scikit-learn is not installed (Debian: python3-sklearn python3-joblib)")

    def test_a_global_the_scan_did_not_list_is_refused_even_when_allowed(self):
        data = pickle.dumps({1, 2}, protocol=2)
        with self.assertRaises(safe_pickle.UnsafePickleError):
            safe_pickle.loads(data, scanned_globals=[])
        self.assertEqual({1, 2}, safe_pickle.loads(data, scanned_globals=["builtins.set"]))

    def test_the_deny_list_cannot_be_lifted(self):
        for entry in ("os.system", "posix.*", "builtins.eval", "numpy.load", "sklearn:Pipeline.__reduce__"):
            with self.subTest(entry), self.assertRaises(ValueError):
                safe_pickle.RestrictedUnpickler(io.BytesIO(b"N."), allow=[entry])

    def test_its_allow_list_is_the_services(self):
        service_copy = os.path.join(REPO, "src", "main", "resources", "pickle", "allowed-globals.txt")
        client_copy = os.path.join(os.path.dirname(safe_pickle.__file__), "allowed_globals.txt")
        self.assertEqual(read(service_copy), read(client_copy))


class DropInSafetyTest(unittest.TestCase):
    """load_model against the real service: the verdict gate, the restricted unpickler, the training environment."""

    def setUp(self):
        if os.path.exists(MARKER):
            os.remove(MARKER)
        environment = mock.patch.dict(os.environ, {API_KEY_ENV: KEY,
                                                   "ANOMSTACK_MODEL_STORE_CACHE_DIR": tempfile.mkdtemp(dir=scratch)})
        environment.start()
        self.addCleanup(environment.stop)
        os.environ.pop(anomstack.ALLOW_UNVERIFIED_ENV, None)
        self.client = ModelStoreClient(service.url, KEY, cache_dir=tempfile.mkdtemp(dir=scratch))
        self.metric = "m_" + uuid.uuid4().hex[:8]

    def test_the_service_refuses_a_hostile_upload_and_names_what_it_imports(self):
        with self.assertRaises(UnsafePickle) as refused:
            self.client.upload("enforced", self.metric, read(os.path.join(PICKLES, "hostile", "global_os_system_p0.pkl")))
        self.assertEqual(422, refused.exception.status)
        self.assertEqual(["os.system"], refused.exception.refused_globals)

    def test_with_the_service_check_off_the_client_still_refuses_every_hostile_pickle(self):
        for path, verdict, _ in hostile_fixtures():
            with self.subTest(os.path.basename(path)):
                metric = "m_" + uuid.uuid4().hex[:8]
                stored = self.client.upload("scan_off", metric, read(path))
                self.assertEqual("unchecked", stored.raw["pickle"]["verdict"])
                with self.assertRaises(UnsafePickle):
                    anomstack.load_model(metric, service.url, "scan_off", "")
                if os.path.basename(path).startswith("second_pickle"):
                    # load_model reads one pickle: the hostile second one after its STOP is never read.
                    self.assertIsNone(anomstack.load_model(metric, service.url, "scan_off", "", allow_unverified=True))
                else:
                    with self.assertRaises(Exception):
                        anomstack.load_model(metric, service.url, "scan_off", "", allow_unverified=True)
                self.assertFalse(os.path.exists(MARKER), f"{path} ran its payload")

    def test_save_models_records_the_training_environment_and_load_model_warns_on_another_minor(self):
        trained = {"python": "3.11.2", "numpy": "1.24.2", "scipy": "1.10.1", "sklearn": "1.2.1", "pyod": "2.0.5"}
        with mock.patch.object(anomstack, "training_environment", return_value=trained):
            anomstack.save_models([(self.metric, {"threshold": 0.9}, "")], service.url, "enforced")
        described = self.client.describe("enforced", self.metric)
        self.assertEqual(trained, described.metadata["training_environment"])
        self.assertEqual("builtins.dict", described.metadata["model_class"])
        self.assertEqual("allowed", described.raw["pickle"]["verdict"])
        listed = io.StringIO()
        with contextlib.redirect_stdout(listed):
            self.assertEqual(0, cli.main(["--url", service.url, "--api-key", KEY, "versions", "enforced", self.metric]))
        self.assertIn("pickle=allowed  sklearn=1.2.1  pyod=2.0.5", listed.getvalue())

        scorer = dict(trained, sklearn="1.5.0")
        with mock.patch.object(anomstack, "training_environment", return_value=scorer), \
                self.assertWarns(TrainingEnvironmentWarning) as warned:
            self.assertEqual({"threshold": 0.9}, anomstack.load_model(self.metric, service.url, "enforced", ""))
        self.assertIn("scikit-learn 1.2.1", str(warned.warning))
        with mock.patch.object(anomstack, "training_environment", return_value=dict(trained, sklearn="1.2.9")), \
                warnings.catch_warnings():
            warnings.simplefilter("error", TrainingEnvironmentWarning)
            self.assertEqual({"threshold": 0.9}, anomstack.load_model(self.metric, service.url, "enforced", ""))
