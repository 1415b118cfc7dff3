"""Loading model pickles without letting them import what a model never needs.

``RestrictedUnpickler`` is a ``pickle.Unpickler`` whose ``find_class`` imports only the globals of the allow-list the
service checks uploads against (``allowed_globals.txt``, a copy of the service's ``pickle/allowed-globals.txt``), plus
the entries the caller adds (``allow``, or ``$ANOMSTACK_MODEL_STORE_PICKLE_ALLOW``, comma-separated), and never one
on the deny-list. When the version's descriptor lists the globals the service found at upload, only those are
imported too: a model body swapped in the bucket after its upload cannot import anything else. The rules are those of
docs/model-safety.md: ``module.name``, ``module:dotted.name``, ``module.*`` for a module's classes; ``!path`` denies.
"""

import _compat_pickle
import importlib
import io
import os
import pickle
import re
import sys
from typing import Any, BinaryIO, Iterable, Optional

ALLOW_ENV = "ANOMSTACK_MODEL_STORE_PICKLE_ALLOW"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_DUNDER = re.compile(r"__\w*__\Z")


class UnsafePickleError(pickle.UnpicklingError):
    """The pickle imports a global outside the allow-list (or one the service did not find in it at upload)."""

    def __init__(self, global_name: str, reason: str):
        super().__init__(f"The model pickle imports {global_name}, which {reason}; it was not loaded. If the model "
                         f"really needs it, allow it: load_model(..., allow=[{global_name!r}]) or {ALLOW_ENV} here, and "
                         "the batch's model_store_params.pickle.allow on the service (docs/model-safety.md).")
        self.global_name = global_name


class AllowList:
    """Exact globals, class wildcards and a deny-list no entry can lift, as the service's ``AllowList``."""

    def __init__(self, exact=(), wildcards=(), denied=()):
        self.exact = frozenset(exact)
        self.wildcards = tuple(wildcards)
        self.denied = frozenset(denied)

    @classmethod
    def defaults(cls) -> "AllowList":
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "allowed_globals.txt")
        entries, denied = [], []
        with open(path, encoding="utf-8") as f:
            for line in f:
                entry = line.strip()
                if not entry or entry.startswith("#"):
                    continue
                (denied if entry.startswith("!") else entries).append(entry.lstrip("!"))
        return cls(denied=denied).with_entries(entries)

    def with_entries(self, entries: Iterable[str]) -> "AllowList":
        exact, wildcards = set(self.exact), list(self.wildcards)
        for raw in entries:
            entry = raw.strip()
            if not entry:
                continue
            parsed = _parse(entry)
            if parsed is None:
                raise ValueError(f"{entry!r} is not a global: write module.name, module:dotted.name or module.*")
            module, name = parsed
            if self.is_denied(module, name):
                raise ValueError(f"{entry!r} can run code or touch files, sockets or processes and is never allowed")
            if name == "*":
                wildcards.append(module)
            else:
                exact.add(display(module, name))
        return AllowList(exact, wildcards, self.denied)

    def is_denied(self, module: str, name: str) -> bool:
        if any(_DUNDER.match(part) for part in name.split(".")):
            return True
        path = module + "." + name
        parts = path.split(".")
        return any(".".join(parts[:i]) in self.denied for i in range(1, len(parts) + 1))

    def allows(self, module: str, name: str) -> bool:
        if self.is_denied(module, name):
            return False
        if display(module, name) in self.exact:
            return True
        if "." in name or not name[:1].isupper():
            return False
        return any(module == prefix or module.startswith(prefix + ".") for prefix in self.wildcards)


def display(module: str, name: str) -> str:
    """A global as the service's descriptor lists it: ``module.name``, or ``module:dotted.name``."""
    return f"{module}{':' if '.' in name else '.'}{name}"


def _parse(entry: str):
    if ":" in entry:
        module, _, name = entry.partition(":")
        if "." not in name:
            return None
    else:
        module, _, name = entry.rpartition(".")
        if name == "*":
            return (module, name) if _dotted(module) else None
    return (module, name) if _dotted(module) and _dotted(name) else None


def _dotted(path: str) -> bool:
    return all(_IDENTIFIER.match(part) for part in path.split("."))


def _python3_name(module: str, name: str):
    """What Python 3 imports for a Python 2 name in pickles of protocol 0 to 2 (fix_imports); the same otherwise."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickles only what the allow-list (and, when given, the descriptor's list of globals) lets it import."""

    def __init__(self, file: BinaryIO, allow: Iterable[str] = (), scanned_globals: Optional[Iterable[str]] = None,
                 **options):
        super().__init__(file, **options)
        extra = list(allow) + [entry for entry in os.environ.get(ALLOW_ENV, "").split(",") if entry.strip()]
        self.allow_list = AllowList.defaults().with_entries(extra)
        self.scanned = None if scanned_globals is None else frozenset(scanned_globals)

    def find_class(self, module: str, name: str) -> Any:
        # The name Python 3 would import for a Python 2 one is imported here, whatever the protocol: never the other.
        module, name = _python3_name(module, name)
        shown = display(module, name)
        if not self.allow_list.allows(module, name):
            raise UnsafePickleError(shown, "is not on the allow-list")
        if self.scanned is not None and shown not in self.scanned:
            raise UnsafePickleError(shown, "the service did not find in this model at upload")
        importlib.import_module(module)
        found = sys.modules[module]
        for part in name.split("."):
            found = getattr(found, part)
        return found

    def persistent_load(self, pid: Any) -> Any:
        raise pickle.UnpicklingError("The model pickle refers to a persistent id, which a model never needs.")


def load(file: BinaryIO, allow: Iterable[str] = (), scanned_globals: Optional[Iterable[str]] = None) -> Any:
    """Unpickles ``file`` through a ``RestrictedUnpickler``."""
    return RestrictedUnpickler(file, allow, scanned_globals).load()


def loads(data: bytes, allow: Iterable[str] = (), scanned_globals: Optional[Iterable[str]] = None) -> Any:
    """Unpickles ``data`` through a ``RestrictedUnpickler``."""
    return load(io.BytesIO(data), allow, scanned_globals)
