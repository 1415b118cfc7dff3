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
"""

import logging
import pickle
from typing import Any, List, Tuple

from .client import ModelStoreClient

log = logging.getLogger(__name__)

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
        client.upload(metric_batch, metric_name, pickle.dumps(model), metadata={"model_class": model_class},
                      tag=model_tag)
    return models


def load_model(metric_name: str, model_path: str, metric_batch: str, model_tag: str) -> Any:
    """The latest model of ``metric_name`` with ``model_tag``, unpickled: the last verified cached copy when the service
    is unreachable or failing (see ``ModelStoreClient.download_latest``)."""
    client = ModelStoreClient(service_url(model_path))
    log.info("loading %s (tag %r) of batch %s from %s", metric_name, model_tag, metric_batch, client.base_url)
    downloaded = client.download_latest(metric_batch, metric_name, tag=model_tag)
    with open(downloaded.path, "rb") as f:
        return pickle.load(f)
