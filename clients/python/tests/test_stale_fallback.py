"""Scorers keep scoring through an outage: the last verified cached copy stands in when the service cannot answer.

A stub server stands in for the service here (no jar needed): it serves one model with its ETag and SHA-256, answers
304 to its ETag, and can be switched to any status, to a broken transfer, or stopped (its port then refuses).
"""

import datetime
import hashlib
import http.server
import json
import logging
import os
import pickle
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import warnings
from unittest import mock

from anomstack_model_store import (BadRequest, ConnectionFailed, Forbidden, IntegrityError, ModelStoreClient,
                                   ModelStoreError, NotFound, ServerError, ServiceUnavailable, StaleModelWarning,
                                   TooManyRequests, Unauthorized)
from anomstack_model_store import anomstack
from anomstack_model_store.client import DEFAULT_MAX_STALE_AGE, MAX_STALE_ENV, URL_ENV

CLIENT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOUR = 3600.0


class StubService:
    """Serves ``model`` as the latest version of every model (and its descriptor); ``answer`` switches it to an error status (with
    Retry-After: 0), to ``"broken"`` (a 200 whose body stops short), or back to None (serve the model)."""

    def __init__(self, model=b"model bytes", version="20250101_000000"):
        self.model = model
        self.version = version
        self.answer = None
        self.announced_sha256 = None
        self.requests = 0
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                stub.requests += 1
                if stub.answer is None and self.path.split("?")[0].endswith("/metadata"):
                    self.serve_descriptor()
                elif stub.answer is None:
                    self.serve_model()
                elif stub.answer == "broken":
                    self.send_response(200)
                    self.model_headers(len(stub.model) + 1000)
                    self.wfile.write(stub.model[:1])
                    self.close_connection = True
                else:
                    self.problem(stub.answer)

            def serve_model(self):
                etag = f'"{hashlib.sha256(stub.model).hexdigest()}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.model_headers(len(stub.model))
                self.wfile.write(stub.model)

            def serve_descriptor(self):
                """What the service says of the model: a plain pickle its upload scan allowed."""
                body = json.dumps({"batch": "batch", "metric": "cpu", "version": stub.version,
                                   "sha256": hashlib.sha256(stub.model).hexdigest(), "size_bytes": len(stub.model),
                                   "metadata": {}, "pickle": {"protocol": 4, "globals": [], "verdict": "allowed"}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def model_headers(self, length):
                digest = stub.announced_sha256 or hashlib.sha256(stub.model).hexdigest()
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(length))
                self.send_header("ETag", f'"{digest}"')
                self.send_header("X-Model-Sha256", digest)
                self.send_header("X-Model-Version", stub.version)
                self.send_header("Content-Disposition", f'attachment; filename="model_{stub.version}.pkl"')
                self.end_headers()

            def problem(self, status):
                body = json.dumps({"type": "urn:anomstack:model-store:problem:stub", "title": "Stub",
                                   "status": status, "detail": f"the stub answers {status}"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/problem+json")
                self.send_header("Retry-After", "0")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        self._stopped = False

    def stop(self):
        """Stops listening: connections to its port are refused from now on."""
        if not self._stopped:
            self._stopped = True
            self._server.shutdown()
            self._server.server_close()


class StaleFallbackTest(unittest.TestCase):

    def setUp(self):
        self.scratch = tempfile.mkdtemp(prefix="modelstore-stale-")
        self.addCleanup(shutil.rmtree, self.scratch, True)
        self.stub = StubService()
        self.addCleanup(self.stub.stop)
        self.cache_dir = os.path.join(self.scratch, "cache")
        # The variable of the environment the tests run in must not change the default under test.
        environment = mock.patch.dict(os.environ)
        environment.start()
        self.addCleanup(environment.stop)
        os.environ.pop(MAX_STALE_ENV, None)

    def client(self, url=None, **options):
        options.setdefault("max_retries", 2)
        return ModelStoreClient(url or self.stub.url, cache_dir=self.cache_dir, **options)

    def fill_cache(self, **options):
        downloaded = self.client(**options).download_latest("batch", "cpu")
        self.assertFalse(downloaded.stale)
        return downloaded

    def entry_path(self):
        [name] = [name for name in os.listdir(self.cache_dir) if name.endswith(".json")]
        return os.path.join(self.cache_dir, name)

    def confirmed_ago(self, seconds):
        """Pretends the service last confirmed the cached copy ``seconds`` ago."""
        path = self.entry_path()
        with open(path, encoding="utf-8") as f:
            entry = json.load(f)
        entry["confirmed_at"] = time.time() - seconds
        with open(path, "w", encoding="utf-8") as f:
            json.dump(entry, f)

    def download_stale(self, client=None, **kwargs):
        """download_latest, asserting that it warns with StaleModelWarning and logs a warning."""
        client = client or self.client()
        with self.assertLogs("anomstack_model_store.client", logging.WARNING) as logged, \
                self.assertWarns(StaleModelWarning) as warned:
            downloaded = client.download_latest("batch", "cpu", **kwargs)
        self.assertIn("using the cached copy of version 20250101_000000", str(warned.warning))
        self.assertEqual(__file__, warned.filename, "the warning points at the caller of download_latest")
        self.assertIn("using the cached copy of version 20250101_000000", logged.output[0])
        return downloaded

    def assertRaisesWithoutWarning(self, error_class, client=None):
        with warnings.catch_warnings(record=True) as caught, self.assertRaises(error_class) as raised:
            warnings.simplefilter("always")
            (client or self.client()).download_latest("batch", "cpu")
        self.assertEqual([], [w for w in caught if issubclass(w.category, StaleModelWarning)])
        return raised.exception

    def test_the_cache_records_when_the_service_last_confirmed_the_copy(self):
        before = time.time()
        first = self.fill_cache()
        self.assertGreaterEqual(first.confirmed_at, before)
        self.assertLess(first.age, 60)

        self.confirmed_ago(5 * HOUR)
        again = self.client().download_latest("batch", "cpu")

        self.assertTrue(again.from_cache, "a 304")
        self.assertFalse(again.stale)
        self.assertGreaterEqual(again.confirmed_at, before, "a 304 confirms the copy again")
        with open(self.entry_path(), encoding="utf-8") as f:
            self.assertGreaterEqual(json.load(f)["confirmed_at"], before)

    def test_a_stopped_service_gives_the_cached_copy_flagged_stale(self):
        first = self.fill_cache()
        self.stub.stop()

        downloaded = self.download_stale()

        self.assertTrue(downloaded.stale)
        self.assertTrue(downloaded.from_cache)
        self.assertEqual("20250101_000000", downloaded.version)
        self.assertEqual(first.path, downloaded.path)
        self.assertEqual(first.sha256, downloaded.sha256)
        self.assertEqual(first.confirmed_at, downloaded.confirmed_at)
        self.assertIsInstance(downloaded.error, ConnectionFailed)
        with open(downloaded.path, "rb") as f:
            self.assertEqual(b"model bytes", f.read())

    def test_a_stale_copy_goes_to_the_destination_too(self):
        self.fill_cache()
        self.stub.stop()
        destination = os.path.join(self.scratch, "out")
        os.mkdir(destination)

        downloaded = self.download_stale(dest=destination)

        self.assertEqual(os.path.join(destination, "model_20250101_000000.pkl"), downloaded.path)
        self.assertTrue(downloaded.stale)
        with open(downloaded.path, "rb") as f:
            self.assertEqual(b"model bytes", f.read())

    def test_503_after_the_retries_gives_the_stale_copy(self):
        self.fill_cache()
        self.stub.requests = 0
        self.stub.answer = 503

        downloaded = self.download_stale()

        self.assertEqual(3, self.stub.requests, "the first attempt and max_retries=2 retries, Retry-After: 0")
        self.assertTrue(downloaded.stale)
        self.assertIsInstance(downloaded.error, ServiceUnavailable)

    def test_other_5xx_give_the_stale_copy(self):
        self.fill_cache()
        for status in (500, 502, 504):
            with self.subTest(status=status):
                self.stub.answer = status
                downloaded = self.download_stale()
                self.assertTrue(downloaded.stale)
                self.assertIsInstance(downloaded.error, ServerError)
                self.assertEqual(status, downloaded.error.status)

    def test_a_transfer_that_breaks_off_gives_the_stale_copy(self):
        self.fill_cache()
        self.stub.model = b"a newer model"
        self.stub.version = "20250102_000000"
        self.stub.answer = "broken"

        downloaded = self.download_stale()

        self.assertTrue(downloaded.stale)
        self.assertEqual("20250101_000000", downloaded.version, "the copy it has, not the one that broke off")
        self.assertIn("broke off", str(downloaded.error))

    def test_a_timeout_gives_the_stale_copy(self):
        self.fill_cache()
        # Connections to this socket are accepted by the kernel, and never answered.
        silent = socket.create_server(("127.0.0.1", 0))
        self.addCleanup(silent.close)
        silent_url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        # The cache is keyed by URL: give the silent service's URL the copy the stub's URL has.
        entry = self.client()._cache.lookup(self.client()._transport.url("/models/batch/cpu/latest"))
        client = self.client(url=silent_url, timeout=0.5)
        with open(entry.path, "rb") as f:
            temporary = client._cache.temporary_file()
            with temporary:
                temporary.write(f.read())
        client._cache.commit(client._transport.url("/models/batch/cpu/latest"), temporary.name, entry.etag,
                             entry.version, entry.sha256, entry.size, entry.filename)

        downloaded = self.download_stale(client)

        self.assertTrue(downloaded.stale)
        self.assertIn("timed out", str(downloaded.error))

    def test_a_name_that_does_not_resolve_gives_the_stale_copy(self):
        client = self.client(url="http://model-store.invalid:8080", timeout=5)
        url = client._transport.url("/models/batch/cpu/latest")
        temporary = client._cache.temporary_file()
        with temporary:
            temporary.write(b"model bytes")
        client._cache.commit(url, temporary.name, '"etag"', "20250101_000000",
                             hashlib.sha256(b"model bytes").hexdigest(), 11, None)

        downloaded = self.download_stale(client)

        self.assertTrue(downloaded.stale)
        self.assertIsInstance(downloaded.error, ConnectionFailed)

    def test_4xx_answers_are_never_masked_by_the_cache(self):
        self.fill_cache()
        for status, error_class in ((404, NotFound), (403, Forbidden), (401, Unauthorized), (400, BadRequest),
                                    (410, ModelStoreError), (429, TooManyRequests)):
            with self.subTest(status=status):
                self.stub.answer = status
                error = self.assertRaisesWithoutWarning(error_class)
                self.assertEqual(status, error.status)
                self.assertNotIn("cached copy", str(error))
        self.stub.answer = None
        self.assertFalse(self.client().download_latest("batch", "cpu").stale, "the cache is still there")

    def test_a_digest_mismatch_is_never_masked_by_the_cache(self):
        self.fill_cache()
        # A new model whose bytes differ from the SHA-256 the answer announces.
        self.stub.model = b"a newer model"
        self.stub.announced_sha256 = hashlib.sha256(b"something else").hexdigest()

        self.assertRaisesWithoutWarning(IntegrityError)

    def test_a_copy_older_than_the_maximum_age_is_not_returned(self):
        self.fill_cache()
        self.confirmed_ago(DEFAULT_MAX_STALE_AGE + 60)
        self.stub.stop()

        error = self.assertRaisesWithoutWarning(ConnectionFailed)

        self.assertIn("A cached copy of version 20250101_000000 exists", str(error))
        self.assertIn("maximum stale age of 24.0 h", str(error))
        self.assertIn("maximum stale age", error.detail)

    def test_the_maximum_age_is_a_constructor_argument(self):
        self.fill_cache()
        self.confirmed_ago(30 * HOUR)
        self.stub.stop()

        self.assertTrue(self.download_stale(self.client(max_stale_age=datetime.timedelta(hours=48))).stale)
        self.assertTrue(self.download_stale(self.client(max_stale_age=float("inf"))).stale)
        self.assertIn("maximum stale age of 10.0 h",
                      str(self.assertRaisesWithoutWarning(ConnectionFailed, self.client(max_stale_age=10 * HOUR))))
        with self.assertRaises(ValueError):
            self.client(max_stale_age=-1)

    def test_a_maximum_age_of_zero_turns_the_fallback_off(self):
        self.fill_cache()
        self.stub.stop()

        error = self.assertRaisesWithoutWarning(ConnectionFailed, self.client(max_stale_age=0))

        self.assertNotIn("cached copy", str(error))

    def test_the_maximum_age_comes_from_the_environment(self):
        self.fill_cache()
        self.confirmed_ago(2 * HOUR)
        self.stub.stop()

        self.assertEqual(DEFAULT_MAX_STALE_AGE, self.client().max_stale_age)
        for value, seconds in (("90", 90.0), ("30m", 1800.0), ("3h", 3 * HOUR), ("2d", 48 * HOUR), ("0", 0.0),
                               ("inf", float("inf"))):
            with self.subTest(value=value), mock.patch.dict(os.environ, {MAX_STALE_ENV: value}):
                self.assertEqual(seconds, self.client().max_stale_age)
        with mock.patch.dict(os.environ, {MAX_STALE_ENV: "1h"}):
            self.assertRaisesWithoutWarning(ConnectionFailed)
        with mock.patch.dict(os.environ, {MAX_STALE_ENV: "3h"}):
            self.assertTrue(self.download_stale().stale)
        with mock.patch.dict(os.environ, {MAX_STALE_ENV: "a day"}), self.assertRaises(ValueError) as invalid:
            self.client()
        self.assertIn(MAX_STALE_ENV, str(invalid.exception))
        with mock.patch.dict(os.environ, {MAX_STALE_ENV: "1h"}):
            self.assertEqual(48 * HOUR, self.client(max_stale_age=48 * HOUR).max_stale_age, "the argument wins")

    def test_a_corrupted_cached_copy_is_never_returned_and_is_discarded(self):
        first = self.fill_cache()
        with open(first.path, "wb") as f:
            f.write(b"model bytez")  # the same size, another digest
        self.stub.stop()

        error = self.assertRaisesWithoutWarning(ConnectionFailed)

        self.assertIn("no longer had its SHA-256 and was discarded", str(error))
        self.assertFalse(os.path.exists(first.path))
        self.assertEqual([], [name for name in os.listdir(self.cache_dir) if name.endswith(".json")])

    def test_a_truncated_cached_copy_is_never_returned(self):
        first = self.fill_cache()
        with open(first.path, "wb") as f:
            f.write(b"model")
        self.stub.stop()

        self.assertRaisesWithoutWarning(ConnectionFailed)

    def test_an_entry_of_an_earlier_client_ages_from_its_file_time(self):
        self.fill_cache()
        path = self.entry_path()
        with open(path, encoding="utf-8") as f:
            entry = json.load(f)
        del entry["confirmed_at"]
        with open(path, "w", encoding="utf-8") as f:
            json.dump(entry, f)
        an_hour_ago = time.time() - HOUR
        os.utime(path, (an_hour_ago, an_hour_ago))
        self.stub.stop()

        downloaded = self.download_stale()
        self.assertAlmostEqual(an_hour_ago, downloaded.confirmed_at, delta=1)
        self.assertRaisesWithoutWarning(ConnectionFailed, self.client(max_stale_age=HOUR / 2))

    def test_the_anomstack_drop_in_keeps_scoring_through_an_outage(self):
        detector = {"kind": "iforest", "threshold": 0.97}
        self.stub.model = pickle.dumps(detector)
        model_path = "modelstore://" + self.stub.url[len("http://"):]
        with mock.patch.dict(os.environ, {"ANOMSTACK_MODEL_STORE_CACHE_DIR": self.cache_dir}):
            self.assertEqual(detector, anomstack.load_model("cpu", model_path, "batch", ""))
            self.stub.answer = 503
            with self.assertWarns(StaleModelWarning), self.assertLogs("anomstack_model_store", logging.WARNING):
                self.assertEqual(detector, anomstack.load_model("cpu", model_path, "batch", ""))
            self.stub.stop()
            with self.assertWarns(StaleModelWarning), self.assertLogs("anomstack_model_store", logging.WARNING):
                self.assertEqual(detector, anomstack.load_model("cpu", model_path, "batch", ""))
            self.confirmed_ago(DEFAULT_MAX_STALE_AGE + 60)
            with self.assertRaises(ConnectionFailed):
                anomstack.load_model("cpu", model_path, "batch", "")

    def test_the_anomstack_drop_in_does_not_mask_a_missing_model(self):
        self.stub.model = pickle.dumps("model")
        model_path = "modelstore://" + self.stub.url[len("http://"):]
        with mock.patch.dict(os.environ, {"ANOMSTACK_MODEL_STORE_CACHE_DIR": self.cache_dir}):
            anomstack.load_model("cpu", model_path, "batch", "")
            self.stub.answer = 404
            with self.assertRaises(NotFound):
                anomstack.load_model("cpu", model_path, "batch", "")

    def run_cli(self, *args):
        env = dict(os.environ, PYTHONPATH=CLIENT_DIR, ANOMSTACK_MODEL_STORE_CACHE_DIR=self.cache_dir)
        env[URL_ENV] = self.stub.url
        return subprocess.run([sys.executable, "-m", "anomstack_model_store", *args], env=env, capture_output=True,
                              text=True, timeout=120)

    def test_the_cli_downloads_the_stale_copy_and_says_so(self):
        fresh = self.run_cli("download", "batch", "cpu")
        self.assertEqual(0, fresh.returncode, fresh.stderr)
        self.stub.answer = 503

        stale = self.run_cli("download", "batch", "cpu")

        self.assertEqual(0, stale.returncode, stale.stderr)
        self.assertEqual(fresh.stdout, stale.stdout)
        self.assertIn("version 20250101_000000", stale.stderr)
        self.assertIn("STALE cached copy: the service failed: 503", stale.stderr)
        self.assertNotIn("StaleModelWarning", stale.stderr)

        refused = self.run_cli("--max-stale", "0", "download", "batch", "cpu")
        self.assertEqual(1, refused.returncode, refused.stderr)
        self.assertIn("error: 503", refused.stderr)
        self.stub.stop()
        unreachable = self.run_cli("--max-stale", "1m", "download", "batch", "cpu")
        self.assertEqual(0, unreachable.returncode, unreachable.stderr)
        self.assertIn("STALE cached copy: the service failed: Connection failed", unreachable.stderr)
        usage = self.run_cli("--max-stale", "soon", "download", "batch", "cpu")
        self.assertEqual(2, usage.returncode)
        self.assertIn("A maximum stale age is", usage.stderr)


if __name__ == "__main__":
    unittest.main()
