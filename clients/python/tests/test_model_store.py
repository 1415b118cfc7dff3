"""The Python client against the real service: one jar started for the whole module (it takes seconds to start)."""

import hashlib
import http.client
import http.server
import io
import json
import os
import pickle
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.parse
import uuid
import warnings
from unittest import mock

from anomstack_model_store import (BadRequest, ConnectionFailed, Forbidden, IntegrityError, InvalidName,
                                   ModelStoreClient, NotFound, ServiceUnavailable, StaleModelWarning, TooManyRequests,
                                   Unauthorized)
from anomstack_model_store import anomstack
from anomstack_model_store.client import API_KEY_ENV, URL_ENV

from service import ServiceProcess

ADMIN_KEY = "python-tests-admin-" + uuid.uuid4().hex
READER_KEY = "python-tests-reader-" + uuid.uuid4().hex
CLIENT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIB = 1 << 20

service = None
scratch = None


def setUpModule():
    global service, scratch
    service = ServiceProcess({"python-admin": (ADMIN_KEY, "admin"), "python-reader": (READER_KEY, "reader")}).start()
    scratch = tempfile.mkdtemp(prefix="modelstore-python-client-")


def tearDownModule():
    if service is not None:
        service.stop()
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


def new_client(api_key=ADMIN_KEY, **options):
    return ModelStoreClient(service.url, api_key, cache_dir=tempfile.mkdtemp(dir=scratch), **options)


def unique(name):
    """A batch or metric name of its own, so that tests never see each other's versions."""
    return f"{name}_{uuid.uuid4().hex[:8]}"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(MIB), b""):
            digest.update(block)
    return digest.hexdigest()


class ThresholdDetector:
    """Stands in for a pyod detector: a plain object that pickles."""

    def __init__(self, threshold, weights):
        self.threshold = threshold
        self.weights = weights

    def __eq__(self, other):
        return isinstance(other, ThresholdDetector) and vars(self) == vars(other)


class UploadTest(unittest.TestCase):

    def setUp(self):
        self.client = new_client()
        self.batch = unique("upload")

    def test_a_path_streams_with_progress_and_its_name_gives_the_extension(self):
        path = os.path.join(scratch, "weights.bin")
        content = os.urandom(3 * MIB + 17)
        with open(path, "wb") as f:
            f.write(content)
        calls = []

        stored = self.client.upload(self.batch, "cpu", path, progress=lambda sent, total: calls.append((sent, total)))

        self.assertEqual(hashlib.sha256(content).hexdigest(), stored.sha256)
        self.assertEqual(len(content), stored.size_bytes)
        self.assertTrue(stored.raw["key"].endswith(".bin"), stored.raw["key"])
        self.assertEqual([(MIB, len(content)), (2 * MIB, len(content)), (3 * MIB, len(content)),
                          (len(content), len(content))], calls)

    def test_an_upload_whose_answer_is_lost_is_sent_again_and_stored_once(self):
        with AnswerCutter(service.url) as cutter:
            client = ModelStoreClient(cutter.url, ADMIN_KEY, cache_dir=tempfile.mkdtemp(dir=scratch))

            stored = client.upload(self.batch, "cpu", b"trained at 2 a.m.")

        self.assertEqual(2, cutter.connections, "the attempt whose answer was lost, then the retry")
        self.assertEqual(hashlib.sha256(b"trained at 2 a.m.").hexdigest(), stored.sha256)
        self.assertEqual([stored.version], [v.version for v in self.client.list_versions(self.batch, "cpu")])

    def test_bytes_are_stored_as_sent(self):
        stored = self.client.upload(self.batch, "cpu", b"model bytes")

        self.assertEqual(hashlib.sha256(b"model bytes").hexdigest(), stored.sha256)
        self.assertEqual(b"model bytes", read(self.client.download_version(self.batch, "cpu", stored.version).path))

    def test_a_seekable_file_object_is_sent_from_its_current_position(self):
        source = io.BytesIO(b"header:the model")
        source.seek(len(b"header:"))
        calls = []

        stored = self.client.upload(self.batch, "cpu", source, progress=lambda sent, total: calls.append((sent, total)))

        self.assertEqual(hashlib.sha256(b"the model").hexdigest(), stored.sha256)
        self.assertEqual([(9, 9)], calls)

    def test_a_non_seekable_stream_goes_chunked_and_is_checked_against_the_answer(self):
        content = os.urandom(2 * MIB + 5)
        read_end, write_end = os.pipe()

        def feed():
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(content)

        writer = threading.Thread(target=feed)
        writer.start()
        calls = []
        with os.fdopen(read_end, "rb") as pipe:
            stored = self.client.upload(self.batch, "cpu", pipe, progress=lambda sent, total: calls.append((sent, total)))
        writer.join()

        self.assertEqual(hashlib.sha256(content).hexdigest(), stored.sha256)
        self.assertEqual((len(content), None), calls[-1])

    def test_a_wrong_digest_is_refused_and_leaves_latest_unchanged(self):
        first = self.client.upload(self.batch, "cpu", b"good model")

        with self.assertRaises(IntegrityError) as refused:
            self.client.upload(self.batch, "cpu", b"corrupted model", sha256="0" * 64)

        self.assertEqual(422, refused.exception.status)
        self.assertTrue(refused.exception.type.endswith(":digest-mismatch"), refused.exception.type)
        self.assertEqual(first.version, self.client.describe(self.batch, "cpu").version)
        self.assertEqual(1, len(self.client.list_versions(self.batch, "cpu")))

    def test_metadata_and_tag_round_trip(self):
        metadata = {"n_components": 3, "params": {"contamination": 0.01, "features": ["lag_1", "lag_2"]},
                    "trained_by": "jürgen"}

        stored = self.client.upload(self.batch, "cpu", b"pca", metadata=metadata, tag="pca_default")

        described = self.client.describe(self.batch, "cpu", tag="pca_default")
        self.assertEqual(metadata, described.metadata)
        self.assertEqual("pca_default", described.tag)
        self.assertEqual(stored.version, described.version)
        with self.assertRaises(NotFound):
            self.client.describe(self.batch, "cpu")


class AnswerCutter:
    """Passes connections through to the service, but swallows the first answer: the service has stored the upload,
    and the client hears the connection close instead."""

    def __init__(self, target_url):
        parts = urllib.parse.urlsplit(target_url)
        self._target = (parts.hostname, parts.port)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._server.close()

    def _accept(self):
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(self._target)
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            if self.connections == 1:
                threading.Thread(target=self._swallow, args=(upstream, client), daemon=True).start()
            else:
                threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            for block in iter(lambda: source.recv(65536), b""):
                sink.sendall(block)
        except OSError:
            pass

    @staticmethod
    def _swallow(upstream, client):
        """Reads the whole answer, so the service has finished, then closes the client's connection."""
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += upstream.recv(65536)
        head, body = answer.split(b"\r\n\r\n", 1)
        headers = http.client.parse_headers(io.BytesIO(head.split(b"\r\n", 1)[1] + b"\r\n\r\n"))
        if headers["Content-Length"] is not None:
            while len(body) < int(headers["Content-Length"]):
                body += upstream.recv(65536)
        else:
            while not body.endswith(b"0\r\n\r\n"):
                body += upstream.recv(65536)
        client.shutdown(socket.SHUT_RDWR)
        client.close()
        upstream.close()


class DownloadTest(unittest.TestCase):

    def setUp(self):
        self.client = new_client()
        self.batch = unique("download")

    def test_latest_is_cached_and_an_unchanged_model_is_not_transferred_again(self):
        self.client.upload(self.batch, "cpu", b"version one" * 1000)
        received = []

        first = self.client.download_latest(self.batch, "cpu", progress=lambda done, total: received.append(done))
        self.assertFalse(first.from_cache)
        self.assertEqual(11000, received[-1])
        self.assertEqual(b"version one" * 1000, read(first.path))

        received.clear()
        again = self.client.download_latest(self.batch, "cpu", progress=lambda done, total: received.append(done))
        self.assertTrue(again.from_cache)
        self.assertEqual([], received, "a 304 transfers no model bytes")
        self.assertEqual(first.path, again.path)
        self.assertEqual(first.etag, again.etag)

        newer = self.client.upload(self.batch, "cpu", b"version two")
        changed = self.client.download_latest(self.batch, "cpu")
        self.assertFalse(changed.from_cache)
        self.assertEqual(newer.version, changed.version)
        self.assertEqual(b"version two", read(changed.path))
        self.assertFalse(os.path.exists(first.path), "the replaced cached model is removed")

    def test_a_version_goes_to_a_destination_directory_under_the_services_file_name(self):
        stored = self.client.upload(self.batch, "cpu", b"weights", filename="model.joblib")
        destination = tempfile.mkdtemp(dir=scratch)

        downloaded = self.client.download_version(self.batch, "cpu", stored.version, dest=destination)

        self.assertEqual(os.path.join(destination, f"model_{stored.version}.joblib"), downloaded.path)
        self.assertEqual(b"weights", read(downloaded.path))
        self.assertEqual(stored.sha256, downloaded.sha256)

    def test_bytes_that_do_not_match_the_announced_digest_are_refused_and_not_cached(self):
        answer = FakeAnswer(b"corrupted", sha256=hashlib.sha256(b"original").hexdigest())

        with self.assertRaises(IntegrityError) as refused:
            self.client._receive("http://example/model", answer, None)

        self.assertIsNone(refused.exception.status)
        self.assertNothingCached("http://example/model")

    def test_a_transfer_that_breaks_off_is_a_connection_failure_and_not_cached(self):
        answer = FakeAnswer(b"partial", sha256=hashlib.sha256(b"partial model").hexdigest(), breaks_off=True)

        with self.assertRaises(ConnectionFailed) as broken:
            self.client._receive("http://example/model", answer, None)

        self.assertIn("after 7 bytes", broken.exception.detail)
        self.assertNothingCached("http://example/model")

    def test_a_deleted_model_is_not_masked_by_its_cached_copy(self):
        stored = self.client.upload(self.batch, "cpu", b"only version")
        self.assertFalse(self.client.download_latest(self.batch, "cpu").stale)
        self.client.delete_version(self.batch, "cpu", stored.version)

        with warnings.catch_warnings(record=True) as caught, self.assertRaises(NotFound):
            warnings.simplefilter("always")
            self.client.download_latest(self.batch, "cpu")
        self.assertEqual([], [w for w in caught if issubclass(w.category, StaleModelWarning)])

    def assertNothingCached(self, url):
        self.assertIsNone(self.client._cache.lookup(url))
        self.assertEqual([], [name for name in os.listdir(self.client._cache.directory) if name.startswith(".")],
                         "no temporary file is left behind")


class FakeAnswer:
    """A 200 answer whose body is not what its headers announce, which the real service never sends."""

    status = 200

    def __init__(self, body, sha256, breaks_off=False):
        self.body = io.BytesIO(body)
        self.headers = {"X-Model-Sha256": sha256, "ETag": f'"{sha256}"'}
        self.breaks_off = breaks_off

    def getheader(self, name, default=None):
        return self.headers.get(name, default)

    def read(self, size=-1):
        block = self.body.read(size)
        if not block and self.breaks_off:
            raise http.client.IncompleteRead(b"")
        return block


class VersionManagementTest(unittest.TestCase):

    def setUp(self):
        self.client = new_client()
        self.batch = unique("manage")

    def test_listing_follows_the_cursors_newest_first(self):
        uploaded = [self.client.upload(self.batch, "cpu", f"v{i}".encode()).version for i in range(5)]

        listed = self.client.list_versions(self.batch, "cpu", page_size=2)

        self.assertEqual(list(reversed(uploaded)), [version.version for version in listed])
        self.assertEqual(list(reversed(uploaded))[:3],
                         [version.version for version in self.client.list_versions(self.batch, "cpu", limit=3,
                                                                                    page_size=2)])

    def test_rollback_pins_an_older_version_until_the_next_upload(self):
        older = self.client.upload(self.batch, "cpu", b"older")
        self.client.upload(self.batch, "cpu", b"newer")

        pinned = self.client.rollback(self.batch, "cpu", older.version)

        self.assertTrue(pinned.pinned)
        self.assertEqual(b"older", read(self.client.download_latest(self.batch, "cpu").path))
        self.client.upload(self.batch, "cpu", b"newest")
        self.assertEqual(b"newest", read(self.client.download_latest(self.batch, "cpu").path))

    def test_deleting_the_latest_version_makes_the_previous_one_latest(self):
        older = self.client.upload(self.batch, "cpu", b"older")
        newer = self.client.upload(self.batch, "cpu", b"newer")

        self.client.delete_version(self.batch, "cpu", newer.version)

        self.assertEqual(older.version, self.client.describe(self.batch, "cpu").version)
        with self.assertRaises(NotFound):
            self.client.delete_version(self.batch, "cpu", newer.version)


class ErrorTest(unittest.TestCase):

    def test_an_unknown_model_is_not_found_with_the_services_problem_detail(self):
        with self.assertRaises(NotFound) as missing:
            new_client().download_latest(unique("nothing"), "cpu")

        self.assertEqual(404, missing.exception.status)
        self.assertEqual("urn:anomstack:model-store:problem:not-found", missing.exception.type)
        self.assertTrue(missing.exception.detail)

    def test_an_invalid_name_is_refused_with_the_rule_it_breaks(self):
        with self.assertRaises(InvalidName) as invalid:
            new_client().upload(unique("names"), "cpu usage!", b"model")

        self.assertIsInstance(invalid.exception, BadRequest)
        self.assertIn("cpu usage!", invalid.exception.detail)
        self.assertIn("[A-Za-z0-9][A-Za-z0-9._-]{0,127}", str(invalid.exception))
        with self.assertRaises(ValueError):
            new_client().download_latest("", "cpu")

    def test_a_wrong_api_key_is_unauthorized(self):
        client = new_client(api_key="not-a-key")

        with self.assertRaises(Unauthorized) as refused:
            client.list_versions(unique("auth"), "cpu")
        self.assertEqual(401, refused.exception.status)
        with self.assertRaises(Unauthorized):
            client.upload(unique("auth"), "cpu", os.urandom(2 * MIB))

    def test_a_readers_key_may_download_but_not_upload(self):
        batch = unique("reader")
        new_client().upload(batch, "cpu", b"model")
        reader = new_client(api_key=READER_KEY)

        self.assertEqual(b"model", read(reader.download_latest(batch, "cpu").path))
        with self.assertRaises(Forbidden) as refused:
            reader.upload(batch, "cpu", b"other model")
        self.assertIn("python-reader", refused.exception.detail)

    def test_the_api_key_and_url_come_from_the_environment(self):
        batch = unique("env")
        with mock.patch.dict(os.environ, {URL_ENV: service.url, API_KEY_ENV: "not-a-key"}):
            with self.assertRaises(Unauthorized):
                ModelStoreClient(cache_dir=scratch).list_versions(batch, "cpu")

    def test_an_unreachable_service_is_a_connection_failure(self):
        with self.assertRaises(ConnectionFailed):
            ModelStoreClient("http://127.0.0.1:9", cache_dir=scratch, timeout=5).list_versions("b", "m")


class RetryTest(unittest.TestCase):
    """A stub server answers 503, 429 or 409 with Retry-After first, or drops the connection: reads are retried, and
    uploads too, with the same Idempotency-Key, unless their source cannot be read again."""

    def setUp(self):
        self.answers = []
        self.requests = []
        self.keys = []
        test = self

        class Stub(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.answer()

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.answer()

            def answer(self):
                test.requests.append(self.command)
                test.keys.append(self.headers.get("Idempotency-Key"))
                status, body = test.answers.pop(0)
                if status is None:
                    # The connection breaks before any answer.
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                encoded = json.dumps(body).encode()
                self.send_response(status)
                if status >= 400:
                    self.send_header("Content-Type", "application/problem+json")
                    self.send_header("Retry-After", "0")
                else:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.client = ModelStoreClient(f"http://127.0.0.1:{self.server.server_port}", cache_dir=scratch, max_retries=2)

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def problem(self, status):
        return status, {"type": "urn:anomstack:model-store:problem:x", "title": "Busy", "status": status, "detail": "later"}

    def test_a_read_is_retried_on_503_and_429(self):
        self.answers = [self.problem(503), self.problem(429), (200, {"versions": [], "next_cursor": None})]

        self.assertEqual([], self.client.list_versions("b", "m"))
        self.assertEqual(["GET"] * 3, self.requests)

    def test_retries_are_bounded_and_the_last_answer_is_raised_with_its_retry_after(self):
        self.answers = [self.problem(503)] * 3

        with self.assertRaises(ServiceUnavailable) as unavailable:
            self.client.list_versions("b", "m")
        self.assertEqual(0.0, unavailable.exception.retry_after)
        self.assertEqual(3, len(self.requests))

    def test_an_upload_is_retried_with_its_idempotency_key_after_429_503_409_and_a_broken_connection(self):
        descriptor = {"batch": "b", "metric": "m", "version": "20250101_000000",
                      "sha256": hashlib.sha256(b"model").hexdigest()}
        self.answers = [self.problem(429), self.problem(503), (201, descriptor)]
        self.assertEqual("20250101_000000", self.client.upload("b", "m", b"model").version)
        self.answers = [self.problem(409), (None, None), (200, descriptor)]
        self.assertEqual("20250101_000000", self.client.upload("b", "m", b"model", idempotency_key="my-key").version)

        self.assertEqual(["POST"] * 6, self.requests)
        self.assertEqual(1, len(set(self.keys[:3])), "one key for every attempt of one upload")
        uuid.UUID(self.keys[0])
        self.assertEqual(["my-key"] * 3, self.keys[3:])

    def test_a_stream_that_cannot_be_read_again_is_not_retried(self):
        self.answers = [self.problem(429)]
        read_end, write_end = os.pipe()
        os.write(write_end, b"model")
        os.close(write_end)

        with os.fdopen(read_end, "rb") as pipe, self.assertRaises(TooManyRequests):
            self.client.upload("b", "m", pipe)
        self.assertEqual(["POST"], self.requests)


class AnomstackDropInTest(unittest.TestCase):
    """save_models / load_model with Anomstack's signatures, model_path naming the service."""

    def setUp(self):
        environment = mock.patch.dict(os.environ, {API_KEY_ENV: ADMIN_KEY,
                                                   "ANOMSTACK_MODEL_STORE_CACHE_DIR": tempfile.mkdtemp(dir=scratch),
                                                   "ANOMSTACK_MODEL_STORE_PICKLE_ALLOW": f"{__name__}.*"})
        environment.start()
        self.addCleanup(environment.stop)
        self.model_path = "modelstore://" + service.url[len("http://"):]
        self.batch = unique("anomstack")

    def test_saved_models_load_back_as_equal_objects(self):
        detector = ThresholdDetector(0.95, [0.1, 0.2, 0.7])
        models = [("cpu", detector, "pca_default"), ("memory", {"kind": "iforest", "trees": 100}, "")]

        self.assertIs(models, anomstack.save_models(models, self.model_path, self.batch))

        self.assertEqual(detector, anomstack.load_model("cpu", self.model_path, self.batch, "pca_default"))
        self.assertEqual({"kind": "iforest", "trees": 100},
                         anomstack.load_model("memory", service.url, self.batch, ""))
        described = new_client().describe(self.batch, "cpu", tag="pca_default")
        self.assertEqual(f"{__name__}.ThresholdDetector", described.metadata["model_class"])

    def test_a_scorer_loads_the_newest_model_a_trainer_saved(self):
        anomstack.save_models([("cpu", ThresholdDetector(0.9, [1]), "tag")], self.model_path, self.batch)
        self.assertEqual(0.9, anomstack.load_model("cpu", self.model_path, self.batch, "tag").threshold)

        anomstack.save_models([("cpu", ThresholdDetector(0.8, [1]), "tag")], self.model_path, self.batch)
        self.assertEqual(0.8, anomstack.load_model("cpu", self.model_path, self.batch, "tag").threshold)

    def test_other_model_paths_are_refused_like_anomstack_does(self):
        self.assertEqual("https://store.example:8443/ms", anomstack.service_url("modelstore+https://store.example:8443/ms"))
        with self.assertRaises(ValueError):
            anomstack.load_model("cpu", "s3://bucket/models", self.batch, "")

    def test_a_missing_model_is_not_found(self):
        with self.assertRaises(NotFound):
            anomstack.load_model("cpu", self.model_path, self.batch, "pca_default")


class OutageTest(unittest.TestCase):
    """A scorer keeps scoring with its cached model when the service stops (a service of its own, to stop)."""

    def test_a_scorer_keeps_scoring_after_the_service_stops(self):
        own = ServiceProcess({"python-admin": (ADMIN_KEY, "admin")}).start()
        try:
            model_path = "modelstore://" + own.url[len("http://"):]
            cache_dir = tempfile.mkdtemp(dir=scratch)
            detector = ThresholdDetector(0.99, [0.5, 0.5])
            with mock.patch.dict(os.environ, {API_KEY_ENV: ADMIN_KEY, "ANOMSTACK_MODEL_STORE_CACHE_DIR": cache_dir,
                                              "ANOMSTACK_MODEL_STORE_PICKLE_ALLOW": f"{__name__}.*"}):
                anomstack.save_models([("cpu", detector, "tag")], model_path, "outage")
                self.assertEqual(detector, anomstack.load_model("cpu", model_path, "outage", "tag"))
                version = ModelStoreClient(own.url, ADMIN_KEY, cache_dir=cache_dir).download_latest(
                    "outage", "cpu", tag="tag")
                self.assertTrue(version.from_cache)
                own.stop()

                with self.assertWarns(StaleModelWarning), self.assertLogs("anomstack_model_store", "WARNING"):
                    self.assertEqual(detector, anomstack.load_model("cpu", model_path, "outage", "tag"))
                with self.assertWarns(StaleModelWarning), self.assertLogs("anomstack_model_store", "WARNING"):
                    stale = ModelStoreClient(own.url, cache_dir=cache_dir, timeout=5).download_latest(
                        "outage", "cpu", tag="tag")
                self.assertTrue(stale.stale)
                self.assertEqual(version.version, stale.version)
                self.assertIsInstance(stale.error, ConnectionFailed)
        finally:
            own.stop()


class CliTest(unittest.TestCase):

    def run_cli(self, *args, url=None, api_key=ADMIN_KEY):
        env = dict(os.environ, PYTHONPATH=CLIENT_DIR, ANOMSTACK_MODEL_STORE_CACHE_DIR=tempfile.mkdtemp(dir=scratch))
        env[URL_ENV] = url or service.url
        env[API_KEY_ENV] = api_key
        return subprocess.run([sys.executable, "-m", "anomstack_model_store", *args], env=env, capture_output=True,
                              text=True, timeout=120)

    def test_a_large_file_goes_up_and_down_with_progress(self):
        batch = unique("cli")
        path = os.path.join(scratch, "large.pkl")
        digest = hashlib.sha256()
        with open(path, "wb") as f:
            for _ in range(50):
                block = os.urandom(MIB)
                digest.update(block)
                f.write(block)

        uploaded = self.run_cli("upload", batch, "cpu", path, "--tag", "pca", "--metadata", '{"rows": 1000}',
                                "--progress")

        self.assertEqual(0, uploaded.returncode, uploaded.stderr)
        descriptor = json.loads(uploaded.stdout)
        self.assertEqual(digest.hexdigest(), descriptor["sha256"])
        self.assertEqual({"rows": 1000}, descriptor["metadata"])
        progress_lines = uploaded.stderr.splitlines()
        self.assertEqual(11, len(progress_lines), uploaded.stderr)
        self.assertIn("100% 50.0/50.0 MiB", progress_lines[-1])

        destination = tempfile.mkdtemp(dir=scratch)
        downloaded = self.run_cli("download", batch, "cpu", "--tag", "pca", "-o", destination, "--progress")
        self.assertEqual(0, downloaded.returncode, downloaded.stderr)
        self.assertEqual(os.path.join(destination, f"model_{descriptor['version']}.pkl"), downloaded.stdout.strip())
        self.assertIn("100%", downloaded.stderr)
        self.assertEqual(digest.hexdigest(), sha256_of(downloaded.stdout.strip()))

    def test_versions_rollback_and_delete(self):
        batch = unique("cli")
        first = new_client().upload(batch, "cpu", b"first")
        second = new_client().upload(batch, "cpu", b"second")

        listed = self.run_cli("versions", batch, "cpu")
        self.assertEqual(0, listed.returncode, listed.stderr)
        self.assertEqual([second.version, first.version], [line.split()[0] for line in listed.stdout.splitlines()])

        rolled_back = self.run_cli("rollback", batch, "cpu", first.version)
        self.assertEqual(0, rolled_back.returncode, rolled_back.stderr)
        self.assertTrue(json.loads(rolled_back.stdout)["pinned"])

        deleted = self.run_cli("delete", batch, "cpu", second.version)
        self.assertEqual(0, deleted.returncode, deleted.stderr)
        as_json = self.run_cli("versions", batch, "cpu", "--json")
        self.assertEqual([first.version], [version["version"] for version in json.loads(as_json.stdout)])

    def test_errors_exit_with_their_code_and_the_problem_detail(self):
        missing = self.run_cli("download", unique("cli"), "cpu")
        self.assertEqual(1, missing.returncode)
        self.assertIn("error: 404 Not found: ", missing.stderr)

        unauthorized = self.run_cli("versions", unique("cli"), "cpu", api_key="wrong")
        self.assertEqual(1, unauthorized.returncode)
        self.assertIn("error: 401", unauthorized.stderr)

        unreachable = self.run_cli("versions", "b", "cpu", url="http://127.0.0.1:9")
        self.assertEqual(3, unreachable.returncode)
        self.assertIn("error: Connection failed", unreachable.stderr)

        usage = self.run_cli("upload", "b")
        self.assertEqual(2, usage.returncode)
        self.assertIn("usage:", usage.stderr)
