"""Client of the anomstack model store: upload, download and manage model versions over its HTTP API.

Standard library only. See ``ModelStoreClient``, and ``anomstack_model_store.anomstack`` for the drop-in
replacement of Anomstack's ``save_models`` / ``load_model``.
"""

from .client import DownloadedModel, ModelStoreClient, ModelVersion
from .errors import (BadRequest, Conflict, ConnectionFailed, Forbidden, IntegrityError, InvalidName, ModelStoreError,
                     ModelTooLarge, NotFound, ServerError, ServiceUnavailable, StaleModelWarning, TooManyRequests,
                     TrainingEnvironmentWarning, Unauthorized, UnsafePickle)
from .safe_pickle import RestrictedUnpickler, UnsafePickleError

__version__ = "0.1.0"

__all__ = ["ModelStoreClient", "ModelVersion", "DownloadedModel", "ModelStoreError", "BadRequest", "InvalidName",
           "Unauthorized", "Forbidden", "NotFound", "Conflict", "ModelTooLarge", "IntegrityError", "TooManyRequests",
           "ServiceUnavailable", "ServerError", "ConnectionFailed", "StaleModelWarning", "UnsafePickle",
           "TrainingEnvironmentWarning", "RestrictedUnpickler", "UnsafePickleError"]
