"""One HTTP request to the service over http.client: authentication, error mapping and bounded retries."""

import contextlib
import email.utils
import http.client
import ssl
import time
import urllib.parse
from typing import Callable, Dict, Iterable, Iterator, Optional, Tuple

from .errors import ConnectionFailed, error_from_response

API_PREFIX = "/api/v1"
RETRY_READS = (429, 503)
# An upload with an Idempotency-Key is safe to send again whatever became of the last attempt: the service answers a
# retry of a stored upload with that version. 409: the key's first attempt is still running, or two replicas took the
# same version id; 503: nothing was stored.
RETRY_UPLOADS = (409, 429, 503)
MAX_ERROR_BODY = 1 << 20


class Transport:
    """Sends requests to one service. A request is sent again after an answer whose status is in its ``retry``, up
    to ``max_retries`` times, waiting what ``Retry-After`` says (at most ``max_retry_wait`` seconds each time)."""

    def __init__(self, base_url: str, api_key: Optional[str], timeout: float, max_retries: int = 3,
                 max_retry_wait: float = 30.0):
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"The model store URL must be http(s)://host[:port][/path], not {base_url!r}.")
        self.base_url = base_url.rstrip("/")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._path = parts.path.rstrip("/")
        self._api_key = api_key
        self._timeout = timeout
        self._max_retries = max_retries
        self._max_retry_wait = max_retry_wait

    def url(self, path: str, query: Optional[Dict[str, object]] = None) -> str:
        """The absolute URL of an API path, as the download cache keys it."""
        return self.base_url[: len(self.base_url) - len(self._path)] + self._target(path, query)

    def _target(self, path: str, query: Optional[Dict[str, object]]) -> str:
        target = self._path + API_PREFIX + path
        present = {name: value for name, value in (query or {}).items() if value is not None}
        return target + ("?" + urllib.parse.urlencode(present) if present else "")

    @contextlib.contextmanager
    def open(self, method: str, path: str, query: Optional[Dict[str, object]] = None,
             headers: Optional[Dict[str, str]] = None, body: Optional[Callable[[], Iterable[bytes]]] = None,
             content_length: Optional[int] = None, retry: Tuple[int, ...] = (),
             retry_broken: bool = False) -> Iterator[http.client.HTTPResponse]:
        """Yields the open answer of a successful request (status below 400); raises the mapped error otherwise.

        ``body`` makes the request body, once per attempt; with ``content_length`` None it goes chunked. With
        ``retry_broken`` a connection that fails or breaks before the answer is tried again too.
        """
        target = self._target(path, query)
        all_headers = dict(headers or {})
        if self._api_key:
            all_headers["Authorization"] = "Bearer " + self._api_key
        if body is not None and content_length is not None:
            all_headers["Content-Length"] = str(content_length)
        attempt = 0
        while True:
            connection = self._connect()
            try:
                try:
                    response = self._exchange(connection, method, target, all_headers, body)
                except ConnectionFailed:
                    if not (retry_broken and attempt < self._max_retries):
                        raise
                    time.sleep(min(2.0 ** attempt, self._max_retry_wait))
                    attempt += 1
                    continue
                if response.status < 400:
                    yield response
                    return
                error_body = response.read(MAX_ERROR_BODY)
                retry_after = _retry_after_seconds(response.getheader("Retry-After"))
                error = error_from_response(response.status, response.reason,
                                            response.getheader("Content-Type", ""), error_body, retry_after)
            finally:
                connection.close()
            if not (response.status in retry and attempt < self._max_retries):
                raise error
            wait = retry_after if retry_after is not None else 2.0 ** attempt
            time.sleep(min(max(wait, 0.0), self._max_retry_wait))
            attempt += 1

    def _connect(self) -> http.client.HTTPConnection:
        if self._https:
            return http.client.HTTPSConnection(self._host, self._port, timeout=self._timeout,
                                               context=ssl.create_default_context())
        return http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)

    @staticmethod
    def _exchange(connection: http.client.HTTPConnection, method: str, target: str, headers: Dict[str, str],
                  body: Optional[Callable[[], Iterable[bytes]]]) -> http.client.HTTPResponse:
        where = f"{method} {connection.host}:{connection.port}{target.split('?')[0]}"
        try:
            try:
                connection.request(method, target, body=None if body is None else body(), headers=headers)
            except (BrokenPipeError, ConnectionResetError) as sending:
                # The service answers some uploads before reading their body (401, 413, 429) and then closes the
                # connection: its answer explains the broken pipe better than the pipe does.
                try:
                    return connection.getresponse()
                except (OSError, http.client.HTTPException):
                    raise ConnectionFailed(f"{where}: the connection broke while sending: {sending}") from sending
            return connection.getresponse()
        except (OSError, http.client.HTTPException) as e:
            raise ConnectionFailed(f"{where}: {e or type(e).__name__}") from e


def _retry_after_seconds(value: Optional[str]) -> Optional[float]:
    """Retry-After as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
