"""Errors of the model store, mapped from its RFC 9457 problem details (application/problem+json)."""

import json
from typing import Any, Dict, Optional

PROBLEM_TYPE_BASE = "urn:anomstack:model-store:problem:"


class ModelStoreError(Exception):
    """An error the service answered with, or one the client found on its own (then ``status`` is None).

    ``type``, ``title`` and ``detail`` are the problem detail's; ``problem`` is the whole problem document, with
    extension fields such as ``restore_url`` of an archived model.
    """

    def __init__(self, status: Optional[int], title: str, detail: str = "", type: Optional[str] = None,
                 instance: Optional[str] = None, problem: Optional[Dict[str, Any]] = None,
                 retry_after: Optional[float] = None):
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type
        self.instance = instance
        self.problem = problem or {}
        self.retry_after = retry_after
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"{self.status} {self.title}" if self.status is not None else self.title
        return f"{head}: {self.detail}" if self.detail else head


class BadRequest(ModelStoreError):
    """400: the request was malformed (a bad limit, metadata that is not a JSON object, …)."""


class InvalidName(BadRequest, ValueError):
    """400 ``invalid-name``: a batch, metric, tag or version that is not a valid name."""


class Unauthorized(ModelStoreError):
    """401: no API key, or one the service does not know."""


class Forbidden(ModelStoreError):
    """403: the key's role or batch patterns do not allow the request."""


class NotFound(ModelStoreError):
    """404: unknown model, version or batch."""


class Conflict(ModelStoreError):
    """409: a version conflict, a version an alias points to, an archived model (see ``problem['restore_url']``)."""


class ModelTooLarge(ModelStoreError):
    """413: the model is larger than the service accepts."""


class IntegrityError(ModelStoreError):
    """The model's SHA-256 is not the expected one: 422 from the service on upload, or found by the client."""


class UnsafePickle(ModelStoreError):
    """422 ``unsafe-pickle`` on upload: the model pickle imports something outside the batch's allow-list (named in
    ``refused_globals``), or does not parse to its end; nothing was stored. Also raised by ``load_model`` for a version
    whose scan verdict is not ``allowed`` (then ``status`` is None)."""

    @property
    def refused_globals(self):
        return list(self.problem.get("refused_globals") or [])


class TooManyRequests(ModelStoreError):
    """429: the service receives too many uploads; ``retry_after`` is the seconds it asked to wait."""


class ServiceUnavailable(ModelStoreError):
    """503: S3 could not be reached or is overloaded; ``retry_after`` is the seconds it asked to wait."""


class ServerError(ModelStoreError):
    """Any other 5xx, such as 502 when S3 refused the service (missing permission, missing bucket)."""


class ConnectionFailed(ModelStoreError):
    """The service could not be reached, or the connection broke before an answer."""

    def __init__(self, detail: str):
        super().__init__(None, "Connection failed", detail)


class TrainingEnvironmentWarning(UserWarning):
    """The model was trained with another minor version of scikit-learn or PyOD than the scorer has: unpickling
    across versions is not supported by scikit-learn and may fail or give other scores."""


class StaleModelWarning(UserWarning):
    """A download returned the last verified cached copy of a model because the service could not be reached or
    answered 5xx: the model may be older than the service's latest. The ``DownloadedModel`` has ``stale=True``."""


_BY_STATUS = {400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict, 413: ModelTooLarge,
              422: IntegrityError, 429: TooManyRequests, 503: ServiceUnavailable}


def error_from_response(status: int, reason: str, content_type: str, body: bytes,
                        retry_after: Optional[float]) -> ModelStoreError:
    """The exception for an error answer: its problem detail when it has one, else the status line and body."""
    problem: Dict[str, Any] = {}
    if "json" in (content_type or ""):
        try:
            parsed = json.loads(body.decode("utf-8"))
            if isinstance(parsed, dict):
                problem = parsed
        except ValueError:
            pass
    problem_type = problem.get("type")
    if status == 400 and problem_type == PROBLEM_TYPE_BASE + "invalid-name":
        cls = InvalidName
    elif status == 422 and problem_type == PROBLEM_TYPE_BASE + "unsafe-pickle":
        cls = UnsafePickle
    else:
        cls = _BY_STATUS.get(status, ServerError if status >= 500 else ModelStoreError)
    detail = problem.get("detail") if problem else body[:500].decode("utf-8", "replace").strip()
    return cls(status, problem.get("title") or reason, detail or "", type=problem_type,
               instance=problem.get("instance"), problem=problem, retry_after=retry_after)
