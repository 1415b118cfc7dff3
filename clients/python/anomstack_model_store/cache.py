"""Downloaded models on disk, keyed by URL and ETag, so that an unchanged model costs one 304 answer.

Each URL has an entry file (``<key>.json``: ETag, version, SHA-256, size, file name) and the model it names
(``<key>-<sha256 prefix>.model``). Both are written to a temporary file and renamed into place, the model first, so a
reader in another process sees either the old entry and model or the new ones, never a half-written file.
"""

import dataclasses
import hashlib
import json
import os
import tempfile
from typing import Optional


def default_cache_dir() -> str:
    """``$ANOMSTACK_MODEL_STORE_CACHE_DIR``, else ``$XDG_CACHE_HOME/anomstack-model-store``, else ``~/.cache/…``."""
    configured = os.environ.get("ANOMSTACK_MODEL_STORE_CACHE_DIR")
    if configured:
        return configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "anomstack-model-store")


@dataclasses.dataclass(frozen=True)
class CachedModel:
    """A model the cache holds for a URL: ``path`` has the bytes whose ``etag`` the service sent."""

    url: str
    etag: str
    version: Optional[str]
    sha256: str
    size: int
    filename: Optional[str]
    path: str


class DownloadCache:

    def __init__(self, directory: str):
        self.directory = directory

    def lookup(self, url: str) -> Optional[CachedModel]:
        """The cached model of ``url``, if its entry is readable and its file is there with the right size."""
        try:
            with open(self._entry_path(url), encoding="utf-8") as f:
                entry = json.load(f)
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
                 "filename": filename, "path": name}
        with tempfile.NamedTemporaryFile("w", dir=self.directory, prefix=".entry-", suffix=".json",
                                         delete=False, encoding="utf-8") as f:
            json.dump(entry, f)
        os.replace(f.name, self._entry_path(url))
        cached = CachedModel(**{**entry, "path": os.path.join(self.directory, name)})
        if previous is not None and previous.path != cached.path:
            _remove(previous.path)
        return cached

    def forget(self, url: str) -> None:
        _remove(self._entry_path(url))

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
