"""The model store client: upload, download (cached), list, delete and roll back model versions."""

import dataclasses
import datetime
import hashlib
import http.client
import json
import logging
import math
import os
import shutil
import time
import urllib.parse
import uuid
import warnings
from typing import Any, Callable, Dict, Iterator, List, Optional, Union

from .cache import CachedModel, DownloadCache, default_cache_dir
from .errors import ConnectionFailed, IntegrityError, ModelStoreError, StaleModelWarning
from .sources import BLOCK_SIZE, Source, UploadSource
from .transport import RETRY_READS, RETRY_UPLOADS, Transport

URL_ENV = "ANOMSTACK_MODEL_STORE_URL"
API_KEY_ENV = "ANOMSTACK_MODEL_STORE_API_KEY"
MAX_STALE_ENV = "ANOMSTACK_MODEL_STORE_MAX_STALE"
DEFAULT_MAX_STALE_AGE = 24 * 3600.0

log = logging.getLogger(__name__)

Progress = Callable[[int, Optional[int]], None]


@dataclasses.dataclass(frozen=True)
class ModelVersion:
    """A version's descriptor, as the service answers it; ``raw`` holds every field, also those not listed here."""

    batch: str
    metric: str
    tag: Optional[str]
    version: str
    created_at: str
    size_bytes: int
    sha256: str
    metadata: Dict[str, Any]
    pinned: bool
    raw: Dict[str, Any] = dataclasses.field(repr=False, compare=False)

    @classmethod
    def from_json(cls, descriptor: Dict[str, Any]) -> "ModelVersion":
        return cls(batch=descriptor["batch"], metric=descriptor["metric"], tag=descriptor.get("tag"),
                   version=descriptor["version"], created_at=descriptor.get("created_at", ""),
                   size_bytes=descriptor.get("size_bytes", 0), sha256=descriptor.get("sha256", ""),
                   metadata=descriptor.get("metadata") or {}, pinned=bool(descriptor.get("pinned", False)),
                   raw=descriptor)


@dataclasses.dataclass(frozen=True)
class DownloadedModel:
    """A downloaded model: ``path`` holds its bytes. ``from_cache`` is True when the cached copy was reused without
    transferring the model: the service answered 304, or it could not answer and the copy is ``stale``.

    ``stale`` is True when the service could not be reached or answered 5xx, and this is the last verified cached copy
    (``version`` is the version it is, which may no longer be the latest); ``error`` is then what the service failed
    with. ``confirmed_at`` is when the service last confirmed this copy (seconds since the epoch, as ``time.time()``);
    ``age`` is how long ago that was.
    """

    path: str
    version: Optional[str]
    sha256: str
    size: int
    etag: str
    filename: Optional[str]
    from_cache: bool
    stale: bool = False
    confirmed_at: Optional[float] = None
    error: Optional[ModelStoreError] = dataclasses.field(default=None, compare=False)

    @property
    def age(self) -> Optional[float]:
        """Seconds since the service last confirmed this copy, None when not known."""
        return None if self.confirmed_at is None else max(0.0, time.time() - self.confirmed_at)


class ModelStoreClient:
    """A client of one model store.

    ``base_url`` defaults to ``$ANOMSTACK_MODEL_STORE_URL`` and ``api_key`` to ``$ANOMSTACK_MODEL_STORE_API_KEY``
    (sent as ``Authorization: Bearer``). ``timeout`` is the socket timeout of each read and write, in seconds, not a
    limit on a whole transfer. Downloads are cached under ``cache_dir`` (default: see :func:`default_cache_dir`).
    Reads, deletes and rollbacks are retried on 429 and 503 up to ``max_retries`` times, waiting what
    ``Retry-After`` asks (at most ``max_retry_wait`` seconds each time); see :meth:`upload` for uploads.

    When the service cannot be reached or answers 5xx, a download returns the last verified cached copy of the model,
    flagged ``stale``, with a :class:`StaleModelWarning`, provided the service confirmed that copy at most
    ``max_stale_age`` ago: seconds or a ``timedelta``; None (the default) reads ``$ANOMSTACK_MODEL_STORE_MAX_STALE``
    (seconds, or a number with ``s``, ``m``, ``h`` or ``d``), else 24 hours; 0 turns the fallback off; ``math.inf``
    (``inf`` in the variable) accepts a copy of any age.
    """

    def __init__(self, base_url: Optional[str] = None, api_key: Optional[str] = None, timeout: float = 60.0,
                 cache_dir: Optional[str] = None, max_retries: int = 3, max_retry_wait: float = 30.0,
                 max_stale_age: Union[None, float, datetime.timedelta] = None):
        base_url = base_url or os.environ.get(URL_ENV)
        if not base_url:
            raise ValueError(f"No model store URL: pass base_url or set {URL_ENV}.")
        self._transport = Transport(base_url, api_key or os.environ.get(API_KEY_ENV) or None, timeout,
                                    max_retries, max_retry_wait)
        self._cache = DownloadCache(cache_dir or default_cache_dir())
        self.max_stale_age = _max_stale_age(max_stale_age)

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    def upload(self, batch: str, metric: str, source: Source, metadata: Optional[Dict[str, Any]] = None,
               tag: Optional[str] = None, progress: Optional[Progress] = None, filename: Optional[str] = None,
               sha256: Optional[str] = None, idempotency_key: Optional[str] = None) -> ModelVersion:
        """Uploads a new version of a model, which becomes its latest, and returns its descriptor.

        ``source`` is a path, bytes or a binary file object (read from its current position), streamed in 1 MiB
        blocks. The client first reads it once for its SHA-256 and sends that as ``X-Model-Sha256``: the service
        refuses a body with another digest (``IntegrityError``) and stores nothing. Pass ``sha256`` when you already
        know it, to skip that pass. A non-seekable file object cannot be read twice: it is sent chunked without a
        digest header, hashed on the way, and compared with the ``sha256`` the service answers; on a difference the
        version is already stored and ``IntegrityError`` names it. ``metadata`` is a JSON object kept with the
        version; ``filename`` (default: the file's name) gives the stored object its extension (default ``pkl``).
        ``progress(bytes_sent, total)`` is called after each block; ``total`` is None for a non-seekable file.

        Every upload carries an ``Idempotency-Key`` (``idempotency_key``, default a new UUID), so it is retried, up to
        ``max_retries`` times, when the connection breaks, the answer is lost, or the service answers 409, 429 or
        503: a retry of an upload the service already stored gets that version back instead of storing a second one.
        A source that cannot be read again (a non-seekable stream) is never retried.
        """
        body = UploadSource(source, sha256)
        try:
            headers = {"Content-Type": "application/octet-stream",
                       "Idempotency-Key": idempotency_key or str(uuid.uuid4())}
            if body.sha256:
                headers["X-Model-Sha256"] = body.sha256
            if metadata is not None:
                headers["X-Model-Metadata"] = json.dumps(metadata, separators=(",", ":"))
            name = filename or body.filename
            if name:
                headers["Content-Disposition"] = _attachment(name)

            def blocks() -> Iterator[bytes]:
                sent = 0
                for block in body.blocks():
                    yield block
                    sent += len(block)
                    if progress is not None:
                        progress(sent, body.size)

            with self._transport.open("POST", _model_path(batch, metric), {"tag": _tag(tag)}, headers, blocks,
                                      body.size, retry=RETRY_UPLOADS if body.replayable else (),
                                      retry_broken=body.replayable) as response:
                stored = ModelVersion.from_json(json.load(response))
        finally:
            body.close()
        if body.sha256 and stored.sha256 and stored.sha256 != body.sha256:
            raise IntegrityError(None, "Digest mismatch",
                                 f"The service stored version {stored.version} with SHA-256 {stored.sha256}, but "
                                 f"{body.sha256} was sent; delete that version and upload again.")
        return stored

    def download_latest(self, batch: str, metric: str, tag: Optional[str] = None, dest: Optional[str] = None,
                        progress: Optional[Progress] = None) -> DownloadedModel:
        """Downloads the latest version of a model; see :meth:`download_version`.

        Through an outage (the service cannot be reached, the connection breaks, or it answers 5xx after the retries)
        this returns the cached copy of the latest version it last downloaded, with ``stale=True``, a
        :class:`StaleModelWarning` and a logged warning, if that copy still has its SHA-256 and the service confirmed
        it at most ``max_stale_age`` ago. Otherwise, and on every 4xx (404, 403, …), the error is raised as it is.
        """
        return self._download(_model_path(batch, metric, "latest"), _tag(tag), dest, progress)

    def download_version(self, batch: str, metric: str, version: str, tag: Optional[str] = None,
                         dest: Optional[str] = None, progress: Optional[Progress] = None) -> DownloadedModel:
        """Downloads one version of a model.

        The model streams to the cache, is checked against the service's ``X-Model-Sha256`` (``IntegrityError``
        when it differs) and kept with its ETag; the next download of the same URL sends ``If-None-Match`` and reuses
        the cached file when the service answers 304. Without ``dest`` the returned path is the cached file (read
        it, do not change it); with ``dest`` (a file, or an existing directory to put the service's file name in)
        the model is copied there. ``progress(bytes_received, total)`` follows a transfer. A cached version is
        returned ``stale`` through an outage as :meth:`download_latest` describes.
        """
        return self._download(_model_path(batch, metric, "versions", version), _tag(tag), dest, progress)

    def describe(self, batch: str, metric: str, version: Optional[str] = None,
                 tag: Optional[str] = None) -> ModelVersion:
        """The descriptor of a version, of the latest one without ``version``."""
        path = (_model_path(batch, metric, "versions", version, "metadata") if version
                else _model_path(batch, metric, "latest", "metadata"))
        return ModelVersion.from_json(self._json("GET", path, {"tag": _tag(tag)}))

    def describe_downloaded(self, batch: str, metric: str, downloaded: DownloadedModel,
                            tag: Optional[str] = None) -> ModelVersion:
        """The descriptor of a downloaded version (its pickle scan, its metadata); through an outage the one kept
        when that copy was last described, so that a stale copy is judged as it was when it was fresh."""
        try:
            described = self.describe(batch, metric, downloaded.version, tag=tag)
        except ModelStoreError as error:
            kept = self._cache.descriptor(downloaded.sha256) if _outage(error) else None
            if kept is None:
                raise
            return ModelVersion.from_json(kept)
        if described.sha256 == downloaded.sha256:
            self._cache.remember_descriptor(downloaded.sha256, described.raw)
        return described

    def list_versions(self, batch: str, metric: str, tag: Optional[str] = None, limit: Optional[int] = None,
                      page_size: int = 100) -> List[ModelVersion]:
        """The versions of a model, newest first: all of them (following the pages' cursors), or the first ``limit``."""
        versions: List[ModelVersion] = []
        cursor = None
        while limit is None or len(versions) < limit:
            size = page_size if limit is None else min(page_size, limit - len(versions))
            page = self._json("GET", _model_path(batch, metric, "versions"),
                              {"tag": _tag(tag), "limit": size, "cursor": cursor})
            versions.extend(ModelVersion.from_json(descriptor) for descriptor in page["versions"])
            cursor = page.get("next_cursor")
            if not cursor:
                break
        return versions

    def delete_version(self, batch: str, metric: str, version: str, tag: Optional[str] = None) -> None:
        """Deletes a version; if it was latest, the newest remaining version becomes latest (admin role)."""
        with self._transport.open("DELETE", _model_path(batch, metric, "versions", version), {"tag": _tag(tag)},
                                  retry=RETRY_READS) as response:
            response.read()

    def rollback(self, batch: str, metric: str, version: str, tag: Optional[str] = None) -> ModelVersion:
        """Makes an older version latest until the next upload and returns its descriptor (admin role)."""
        return ModelVersion.from_json(self._json("PUT", _model_path(batch, metric, "latest"), {"tag": _tag(tag)},
                                                 {"version": version}))

    def _json(self, method: str, path: str, query: Dict[str, Any], payload: Any = None) -> Any:
        headers = {"Accept": "application/json"}
        body = None
        length = None
        if payload is not None:
            encoded = json.dumps(payload).encode("utf-8")
            headers["Content-Type"] = "application/json"
            body, length = (lambda: [encoded]), len(encoded)
        with self._transport.open(method, path, query, headers, body, length, retry=RETRY_READS) as response:
            return json.load(response)

    def _download(self, path: str, tag: Optional[str], dest: Optional[str],
                  progress: Optional[Progress]) -> DownloadedModel:
        query = {"tag": tag}
        url = self._transport.url(path, query)
        cached = self._cache.lookup(url)
        headers = {"If-None-Match": cached.etag} if cached else {}
        try:
            with self._transport.open("GET", path, query, headers, retry=RETRY_READS) as response:
                if response.status == 304 and cached is not None:
                    result = _downloaded(self._cache.confirm(cached), from_cache=True)
                else:
                    result = _downloaded(self._receive(url, response, progress), from_cache=False)
        except ModelStoreError as error:
            if not _outage(error):
                raise
            result = self._stale(url, error)
        if dest is None:
            return result
        if os.path.isdir(dest):
            dest = os.path.join(dest, result.filename or os.path.basename(result.path))
        shutil.copyfile(result.path, dest)
        return dataclasses.replace(result, path=dest)

    def _stale(self, url: str, error: ModelStoreError) -> DownloadedModel:
        """The cached copy of ``url`` through an outage, or ``error`` raised (with a note when a copy was refused)."""
        if self.max_stale_age <= 0:
            raise error
        cached = self._cache.lookup(url)
        if cached is None:
            raise error
        age = cached.age()
        if age > self.max_stale_age:
            raise _noted(error, f"(A cached copy of version {cached.version} exists, but the service last confirmed "
                                f"it {_duration(age)} ago, more than the maximum stale age of "
                                f"{_duration(self.max_stale_age)}.)")
        if not self._cache.verify(cached):
            raise _noted(error, f"(The cached copy of version {cached.version} no longer had its SHA-256 and was "
                                "discarded.)")
        message = (f"Model store unavailable ({error}); using the cached copy of version {cached.version} of {url}, "
                   f"last confirmed by the service {_duration(age)} ago.")
        log.warning("%s", message)
        warnings.warn(StaleModelWarning(message), stacklevel=4)
        return dataclasses.replace(_downloaded(cached, from_cache=True), stale=True, error=error)

    def _receive(self, url: str, response: http.client.HTTPResponse, progress: Optional[Progress]) -> CachedModel:
        expected = (response.getheader("X-Model-Sha256") or "").lower()
        length = response.getheader("Content-Length")
        total = int(length) if length and length.isdigit() else None
        digest = hashlib.sha256()
        received = 0
        with self._cache.temporary_file() as file:
            try:
                while True:
                    block = _read(response, url, received)
                    if not block:
                        break
                    file.write(block)
                    digest.update(block)
                    received += len(block)
                    if progress is not None:
                        progress(received, total)
            except BaseException:
                file.close()
                os.remove(file.name)
                raise
        if total is not None and received != total:
            # http.client ends a body that stops short of its Content-Length quietly, as if it were complete.
            os.remove(file.name)
            raise ConnectionFailed(f"The download of {url} broke off after {received} of {total} bytes.")
        actual = digest.hexdigest()
        if expected and actual != expected:
            os.remove(file.name)
            raise IntegrityError(None, "Digest mismatch",
                                 f"{url} sent {received} bytes with SHA-256 {actual}, but announced {expected}.")
        return self._cache.commit(url, file.name, response.getheader("ETag") or "",
                                  response.getheader("X-Model-Version"), actual, received,
                                  _attachment_filename(response.getheader("Content-Disposition")))


def _read(response: http.client.HTTPResponse, url: str, received: int) -> bytes:
    """The next block of a download; a transfer that breaks off is a connection failure, not a local I/O error."""
    try:
        return response.read(BLOCK_SIZE)
    except (OSError, http.client.HTTPException) as e:
        raise ConnectionFailed(f"The download of {url} broke off after {received} bytes: {e!r}") from e


def _downloaded(cached: CachedModel, from_cache: bool) -> DownloadedModel:
    return DownloadedModel(path=cached.path, version=cached.version, sha256=cached.sha256, size=cached.size,
                           etag=cached.etag, filename=cached.filename, from_cache=from_cache,
                           confirmed_at=cached.confirmed_at)


def _outage(error: ModelStoreError) -> bool:
    """Whether a cached copy may stand in: the service was not reached, broke off, or failed (5xx). An answer about
    the request itself (any 4xx: gone, forbidden, unauthorized, …) or a digest mismatch never is one."""
    return isinstance(error, ConnectionFailed) or (error.status is not None and error.status >= 500)


def _noted(error: ModelStoreError, note: str) -> ModelStoreError:
    """``error`` with ``note`` appended to its detail (and message)."""
    error.detail = f"{error.detail} {note}" if error.detail else note
    error.args = (error._message(),)
    return error


_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_max_stale_age(text: str) -> float:
    """Seconds from ``90``, ``90s``, ``30m``, ``24h``, ``2d``, ``0`` or ``inf``."""
    text = text.strip().lower()
    unit = _UNITS.get(text[-1:])
    try:
        value = float(text[:-1] if unit else text) * (unit or 1.0)
    except ValueError:
        value = math.nan
    if math.isnan(value) or value < 0:
        raise ValueError("A maximum stale age is a number of seconds, optionally with s, m, h or d (such as 24h), "
                         f"0 or inf, not {text!r}.")
    return value


def _max_stale_age(value: Union[None, float, datetime.timedelta]) -> float:
    """The maximum stale age in seconds: the argument, else $ANOMSTACK_MODEL_STORE_MAX_STALE, else 24 hours."""
    if value is None:
        configured = os.environ.get(MAX_STALE_ENV, "").strip()
        if not configured:
            return DEFAULT_MAX_STALE_AGE
        try:
            return parse_max_stale_age(configured)
        except ValueError as e:
            raise ValueError(f"{MAX_STALE_ENV}: {e}") from None
    if isinstance(value, datetime.timedelta):
        value = value.total_seconds()
    value = float(value)
    if math.isnan(value) or value < 0:
        raise ValueError(f"The maximum stale age must be 0 or more seconds, not {value}.")
    return value


def _duration(seconds: float) -> str:
    if math.isinf(seconds):
        return "unlimited"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _model_path(batch: str, metric: str, *rest: str) -> str:
    segments = [batch, metric, *rest]
    for name, value in (("batch", batch), ("metric", metric)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"The {name} must be a non-empty string, not {value!r}.")
    return "/models/" + "/".join(urllib.parse.quote(segment, safe="") for segment in segments)


def _tag(tag: Optional[str]) -> Optional[str]:
    """Anomstack's default model_tag is the empty string, which means: no tag."""
    return tag or None


def _attachment(filename: str) -> str:
    """Content-Disposition for a file name; anything beyond plain ASCII goes in RFC 8187's ``filename*``."""
    if all(32 <= ord(c) < 127 for c in filename) and '"' not in filename and "\\" not in filename:
        return f'attachment; filename="{filename}"'
    return "attachment; filename*=UTF-8''" + urllib.parse.quote(filename, safe="")


def _attachment_filename(header: Optional[str]) -> Optional[str]:
    if not header or 'filename="' not in header:
        return None
    return os.path.basename(header.split('filename="', 1)[1].split('"', 1)[0]) or None
