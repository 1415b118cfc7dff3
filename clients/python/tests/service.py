"""The real model store, started from its executable jar ($MODELSTORE_JAR) in local mode for the tests."""

import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

STARTUP_TIMEOUT = 180


class ServiceProcess:
    """``java -jar $MODELSTORE_JAR`` on a free port with its data in a temporary directory and the given API keys
    (name → (key, role)), configured through the environment as an operator would (``environment`` adds to it)."""

    def __init__(self, api_keys, environment=None):
        self.jar = os.environ.get("MODELSTORE_JAR")
        if not self.jar or not os.path.isfile(self.jar):
            raise RuntimeError("Set MODELSTORE_JAR to the service's executable jar (./mvnw package -DskipTests builds "
                               f"target/anomstack-model-store-*.jar); it is {self.jar!r}.")
        self.api_keys = api_keys
        # The tests' own model classes are allowed; a test may set more of the service's environment.
        self.environment = {"MODELSTORE_PICKLE_ALLOW": "test_model_store.*", **(environment or {})}
        self.directory = tempfile.mkdtemp(prefix="modelstore-python-tests-")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log_path = os.path.join(self.directory, "service.log")
        self._process = None

    def start(self) -> "ServiceProcess":
        env = dict(os.environ)
        env.update(self.environment)
        for index, (name, (key, role)) in enumerate(sorted(self.api_keys.items())):
            prefix = f"MODELSTORE_SECURITY_APIKEYS_{index}_"
            env[prefix + "NAME"] = name
            env[prefix + "SHA256"] = hashlib.sha256(key.encode("utf-8")).hexdigest()
            env[prefix + "ROLE"] = role
        # C1 only: the service starts in about half the time, which dominates a test run; its speed is not under test.
        command = [shutil.which("java") or "java", "-XX:TieredStopAtLevel=1", "-Xmx512m", "-jar", self.jar, f"--server.port={self.port}",
                   f"--modelstore.data-dir={os.path.join(self.directory, 'data')}",
                   # Several services may run at once: the S3 API on a free port, not 9000.
                   "--modelstore.s3-api.port=0"]
        with open(self._log_path, "wb") as log:
            self._process = subprocess.Popen(command, cwd=self.directory, env=env, stdout=log,
                                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self._await_health()
        return self

    def _await_health(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"The service exited with {self._process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/actuator/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"The service did not report healthy within {STARTUP_TIMEOUT} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        try:
            with open(self._log_path, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
