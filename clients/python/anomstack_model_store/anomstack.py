"""Drop-in replacements of Anomstack's model IO, storing models in the model store.

``save_models`` and ``load_model`` have the signatures and return values of ``anomstack.io.save.save_models`` and
``anomstack.io.load.load_model``; ``model_path`` names the service instead of a bucket or folder:

- ``modelstore://host:port[/path]``: the service over http (the style of Anomstack's ``s3://``, ``gs://``, ``local://``);
- ``modelstore+https://host[:port][/path]``: the same over https;
- ``http://…`` or ``https://…``: the service's base URL as it is.

Each model is pickled as Anomstack does and stored as a new version of ``{metric_batch}/{metric_name}`` with the
``model_tag`` as the service's tag (Anomstack's default tag, the empty string, means no tag). The API key comes from
``ANOMSTACK_MODEL_STORE_API_KEY``; downloads are cached (see ``ModelStoreClient``), so a scorer that loads an
unchanged model again gets a 304 and unpickles its cached copy. Through an outage of the service (unreachable, or
5xx), ``load_model`` unpickles the last verified cached copy, with a ``StaleModelWarning`` and a logged warning, as
long as the service confirmed it within ``$ANOMSTACK_MODEL_STORE_MAX_STALE`` (default 24 h): a scorer keeps scoring.

A pickle is code the scorer runs. ``load_model`` unpickles only a version whose upload scan found it ``allowed``
(``UnsafePickle`` otherwise, unless ``allow_unverified=True`` or ``$ANOMSTACK_MODEL_STORE_ALLOW_UNVERIFIED=true``),
and always through ``safe_pickle.RestrictedUnpickler``: only allow-listed globals, and only those the scan found.
``save_models`` records the model's class and the versions of Python, numpy, scipy, scikit-learn and PyOD it was
trained with; ``load_model`` warns (``TrainingEnvironmentWarning``) when the scorer's scikit-learn or PyOD minor version
differs from the trainer's.
"""

import importlib.metadata
import logging
import os
import pickle
import platform
import warnings
from typing import Any, Dict, Iterable, List, Optional, Tuple

from . import safe_pickle
from .client import ModelStoreClient, ModelVersion
from .errors import TrainingEnvironmentWarning, UnsafePickle

log = logging.getLogger(__name__)

ALLOW_UNVERIFIED_ENV = "ANOMSTACK_MODEL_STORE_ALLOW_UNVERIFIED"
#: The distributions whose versions a model is saved with, by the name the metadata gives them.
TRAINING_PACKAGES = {"numpy": "numpy", "scipy": "scipy", "sklearn": "scikit-learn", "pyod": "pyod"}
#: Unpickling across these packages' minor versions is not supported.
VERSION_SENSITIVE = ("sklearn", "pyod")

_SCHEMES = (("modelstore+https://", "https://"), ("modelstore://", "http://"), ("https://", "https://"),
            ("http://", "http://"))


def service_url(model_path: str) -> str:
    """The service's base URL that ``model_path`` names."""
    for prefix, scheme in _SCHEMES:
        if model_path.startswith(prefix):
            return scheme + model_path[len(prefix):]
    raise ValueError(f"model_path {model_path} not supported: use modelstore://host:port, "
                     "modelstore+https://host or the service's http(s):// URL.")


def save_models(models: List[Tuple[str, Any, str]], model_path: str, metric_batch: str) -> List[Tuple[str, Any, str]]:
    """Saves each ``(metric_name, model, model_tag)`` as a new latest version; returns ``models``, like Anomstack."""
    client = ModelStoreClient(service_url(model_path))
    for metric_name, model, model_tag in models:
        log.info("saving %s (tag %r) of batch %s to %s", metric_name, model_tag, metric_batch, client.base_url)
        model_class = f"{type(model).__module__}.{type(model).__qualname__}"
        metadata = {"model_class": model_class, "training_environment": training_environment()}
        client.upload(metric_batch, metric_name, pickle.dumps(model), metadata=metadata, tag=model_tag)
    return models


def training_environment() -> Dict[str, Optional[str]]:
    """The versions of Python and of the packages a model's pickle depends on here (None: not installed)."""
    environment: Dict[str, Optional[str]] = {"python": platform.python_version()}
    for key, distribution in TRAINING_PACKAGES.items():
        try:
            environment[key] = importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            environment[key] = None
    return environment


def load_model(metric_name: str, model_path: str, metric_batch: str, model_tag: str, *,
               allow_unverified: Optional[bool] = None, allow: Iterable[str] = ()) -> Any:
    """The latest model of ``metric_name`` with ``model_tag``, unpickled: the last verified cached copy when the service
    is unreachable or failing (see ``ModelStoreClient.download_latest``).

    Only a version whose upload scan found it ``allowed`` is unpickled; ``allow_unverified=True`` (or
    ``$ANOMSTACK_MODEL_STORE_ALLOW_UNVERIFIED=true``) also takes versions stored unscanned, under a ``report`` policy or
    before scanning existed. Either way the restricted unpickler imports only allow-listed globals, plus ``allow``."""
    client = ModelStoreClient(service_url(model_path))
    log.info("loading %s (tag %r) of batch %s from %s", metric_name, model_tag, metric_batch, client.base_url)
    downloaded = client.download_latest(metric_batch, metric_name, tag=model_tag)
    described = client.describe_downloaded(metric_batch, metric_name, downloaded, tag=model_tag)
    check = described.raw.get("pickle") or {}
    verdict = check.get("verdict")
    if verdict != "allowed" and not _allows_unverified(allow_unverified):
        raise UnsafePickle(None, "Unverified model",
                           f"Version {downloaded.version} of {metric_batch}/{metric_name} has the pickle verdict "
                           f"{verdict or 'none (stored before the service scanned uploads)'}, not allowed, so it was "
                           f"not loaded; pass allow_unverified=True or set {ALLOW_UNVERIFIED_ENV}=true to load it through "
                           "the restricted unpickler anyway.", problem={"pickle": check})
    warn_on_training_environment(described)
    scanned = check.get("globals") if verdict == "allowed" else None
    with open(downloaded.path, "rb") as f:
        return safe_pickle.load(f, allow=allow, scanned_globals=scanned)


def warn_on_training_environment(described: ModelVersion) -> None:
    """A ``TrainingEnvironmentWarning`` when scikit-learn or PyOD here is another minor version than the trainer's."""
    trained = described.metadata.get("training_environment") if isinstance(described.metadata, dict) else None
    if not isinstance(trained, dict):
        return
    here = training_environment()
    for key in VERSION_SENSITIVE:
        if trained.get(key) and here.get(key) and _minor(trained[key]) != _minor(here[key]):
            message = (f"Version {described.version} of {described.batch}/{described.metric} was trained with "
                       f"{TRAINING_PACKAGES[key]} {trained[key]}, and this scorer has {here[key]}: unpickling across "
                       "minor versions is not supported and may fail or score differently; train it again here.")
            log.warning("%s", message)
            warnings.warn(TrainingEnvironmentWarning(message), stacklevel=3)


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _allows_unverified(argument: Optional[bool]) -> bool:
    if argument is not None:
        return argument
    return os.environ.get(ALLOW_UNVERIFIED_ENV, "").strip().lower() in ("1", "true", "yes")
