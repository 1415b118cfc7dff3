"""Downloaded models on disk, keyed by URL and ETag, so that an unchanged model costs one 304 answer.

Each URL has an entry file (``<key>.json``: ETag, version, SHA-256, size, file name, and ``confirmed_at``, when the
service last vouched for the copy with a 200 or a 304) and the model it names (``<key>-<sha256 prefix>.model``). Both
are written to a temporary file and renamed into place, the model first, so a reader in another process sees either
the old entry and model or the new ones, never a half-written file.
"""

import dataclasses
import hashlib
import json
import os
import tempfile
import time
from typing import Any, Dict, Optional

BLOCK = 1 << 20


def default_cache_dir() -> str:
    """``$ANOMSTACK_MODEL_STORE_CACHE_DIR``, else ``$XDG_CACHE_HOME/anomstack-model-store``, else ``~/.cache/…``."""
    configured = os.environ.get("ANOMSTACK_MODEL_STORE_CACHE_DIR")
    if configured:
        return configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "anomstack-model-store")


@dataclasses.dataclass(frozen=True)
class CachedModel:
    """A model the cache holds for a URL: ``path`` has the bytes whose ``etag`` the service sent. ``confirmed_at``
    (seconds since the epoch) is when the service last answered 200 or 304 for it."""

    url: str
    etag: str
    version: Optional[str]
    sha256: str
    size: int
    filename: Optional[str]
    path: str
    confirmed_at: float = 0.0

    def age(self, now: Optional[float] = None) -> float:
        """Seconds since the service last confirmed this copy (never negative, should the clock have gone back)."""
        return max(0.0, (time.time() if now is None else now) - self.confirmed_at)


class DownloadCache:

    def __init__(self, directory: str):
        self.directory = directory

    def lookup(self, url: str) -> Optional[CachedModel]:
        """The cached model of ``url``, if its entry is readable and its file is there with the right size."""
        entry_path = self._entry_path(url)
        try:
            with open(entry_path, encoding="utf-8") as f:
                entry = json.load(f)
            if "confirmed_at" not in entry:
                # Written by an earlier client, which rewrote the entry on each 200 only: its time is a safe lower bound.
                entry["confirmed_at"] = os.path.getmtime(entry_path)
            cached = CachedModel(**{**entry, "path": os.path.join(self.directory, entry["path"])})
            if cached.url == url and os.path.getsize(cached.path) == cached.size:
                return cached
        except (OSError, ValueError, TypeError, KeyError):
            pass
        return None

    def temporary_file(self):
        """A file to stream a download into, in the cache directory so that :meth:`commit` only renames it."""
        os.makedirs(self.directory, exist_ok=True)
        return tempfile.NamedTemporaryFile(dir=self.directory, prefix=".download-", delete=False)

    def commit(self, url: str, temporary_path: str, etag: str, version: Optional[str], sha256: str, size: int,
               filename: Optional[str]) -> CachedModel:
        """Makes the downloaded file the cached model of ``url``, replacing (and removing) the previous one."""
        previous = self.lookup(url)
        name = f"{self._key(url)}-{sha256[:16]}.model"
        os.replace(temporary_path, os.path.join(self.directory, name))
        entry = {"url": url, "etag": etag, "version": version, "sha256": sha256, "size": size,
                 "filename": filename, "path": name, "confirmed_at": time.time()}
        self._write_entry(url, entry)
        cached = CachedModel(**{**entry, "path": os.path.join(self.directory, name)})
        if previous is not None and previous.path != cached.path:
            _remove(previous.path)
        return cached

    def confirm(self, cached: CachedModel) -> CachedModel:
        """Records that the service has just confirmed ``cached`` (a 304). Best effort: when another process has
        replaced the entry meanwhile, or the entry cannot be written, the cache is left as it is."""
        confirmed = dataclasses.replace(cached, confirmed_at=time.time())
        current = self.lookup(cached.url)
        if current is None or current.path != cached.path or current.etag != cached.etag:
            return confirmed
        entry = dataclasses.asdict(confirmed)
        entry["path"] = os.path.basename(confirmed.path)
        try:
            self._write_entry(cached.url, entry)
        except OSError:
            pass
        return confirmed

    def verify(self, cached: CachedModel) -> bool:
        """Whether the cached file still has the SHA-256 it was stored with. A file that does not is removed along
        with its entry, so that it is neither returned nor revalidated with a 304 again."""
        digest = hashlib.sha256()
        try:
            with open(cached.path, "rb") as f:
                for block in iter(lambda: f.read(BLOCK), b""):
                    digest.update(block)
        except OSError:
            return False
        if digest.hexdigest() == cached.sha256:
            return True
        current = self.lookup(cached.url)
        if current is not None and current.path == cached.path:
            self.forget(cached.url)
        _remove(cached.path)
        return False

    def remember_descriptor(self, sha256: str, descriptor: Dict[str, Any]) -> None:
        """Keeps the descriptor of the model with this SHA-256, for loading its cached copy through an outage."""
        os.makedirs(os.path.join(self.directory, "descriptors"), exist_ok=True)
        path = self._descriptor_path(sha256)
        f = tempfile.NamedTemporaryFile("w", dir=self.directory, prefix=".descriptor-", suffix=".json", delete=False,
                                        encoding="utf-8")
        with f:
            json.dump(descriptor, f)
        os.replace(f.name, path)

    def descriptor(self, sha256: str) -> Optional[Dict[str, Any]]:
        """The descriptor kept for the model with this SHA-256, if any."""
        try:
            with open(self._descriptor_path(sha256), encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def _descriptor_path(self, sha256: str) -> str:
        return os.path.join(self.directory, "descriptors", sha256 + ".json")

    def forget(self, url: str) -> None:
        _remove(self._entry_path(url))

    def _write_entry(self, url: str, entry: Dict[str, Any]) -> None:
        os.makedirs(self.directory, exist_ok=True)
        f = tempfile.NamedTemporaryFile("w", dir=self.directory, prefix=".entry-", suffix=".json", delete=False,
                                        encoding="utf-8")
        try:
            with f:
                json.dump(entry, f)
            os.replace(f.name, self._entry_path(url))
        except BaseException:
            _remove(f.name)
            raise

    def _entry_path(self, url: str) -> str:
        return os.path.join(self.directory, self._key(url) + ".json")

    @staticmethod
    def _key(url: str) -> str:
        return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
