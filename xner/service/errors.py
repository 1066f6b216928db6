"""The single error mapping of the service suite: typed error -> one HTTP status and one JSON body.

Body: ``{"error": {"type": ..., "message": ..., "details": ...}}``. Anything the client can fix is 4xx; a 500
means a bug (its body says so without leaking internals). Service-specific errors extend the library tree in
:mod:`xner.errors`::

    XnerError
    ├── InputError (422)
    │   ├── FormatError (422), MismatchError (422), UnknownNameError (422)
    │   ├── LimitError (422)
    │   │   ├── PayloadTooLarge (413)
    │   │   └── TooManyRequests (429, Retry-After)
    │   ├── UnsupportedMediaType (415)
    │   ├── NotFound (404)
    │   ├── Conflict (409)
    │   ├── Unauthorized (401)
    │   ├── Forbidden (403)
    │   └── RequestTimeout (408)
    └── BackendError (502)
        ├── BackendUnavailable (503)
        ├── NotReady (503)
        │   ├── QueueUnavailable (503, Retry-After)
        │   └── QueueFull (503, Retry-After)
        └── Timeout (504)
"""

from __future__ import annotations

from typing import Any

from xner.errors import BackendError, BackendUnavailable, InputError, LimitError, XnerError
from xner.service.redact import public_details, public_message


class PayloadTooLarge(LimitError):
    """A request or corpus is over a size limit."""

    type_name = "payload_too_large"


class RetryLater(XnerError):
    """An error that says when to come back: ``retry_after`` seconds (sent as ``Retry-After``; ``None``: no hint)."""

    retry_after: int | None = None

    def __init__(self, message: str, *, retry_after: int | None = None, details: Any = None) -> None:
        super().__init__(message, details=details)
        self.retry_after = retry_after


class TooManyRequests(LimitError, RetryLater):
    """Rate or back-pressure limit reached; ``retry_after`` says when to come back (seconds)."""

    type_name = "too_many_requests"


class UnsupportedMediaType(InputError):
    """The request body has a content type the route does not read."""

    type_name = "unsupported_media_type"


class NotFound(InputError):
    """No such job, model or language."""

    type_name = "not_found"


class Conflict(InputError):
    """The request conflicts with the resource's state (a result asked for before the job finished)."""

    type_name = "conflict"


class Unauthorized(InputError):
    """No API key was given."""

    type_name = "unauthorized"


class Forbidden(InputError):
    """The API key is not valid."""

    type_name = "forbidden"


class RequestTimeout(InputError):
    """The client did not send its request (headers or body) in time."""

    type_name = "request_timeout"


class Timeout(BackendError):
    """The work did not finish within the time the request may wait."""

    type_name = "timeout"


class NotReady(BackendError):
    """The service is not ready (model loading, Redis unreachable)."""

    type_name = "not_ready"


class QueueUnavailable(NotReady, RetryLater):
    """The queue store (Redis) cannot be reached; ``retry_after`` says when to come back (seconds)."""

    type_name = "queue_unavailable"


class QueueFull(NotReady, RetryLater):
    """The queue store refuses writes: its memory limit is reached (Redis ``maxmemory`` with ``noeviction``, as the
    deployment files set it); ``retry_after`` says when to come back, once workers have drained jobs."""

    type_name = "queue_full"


STATUS: dict[type[XnerError], int] = {
    XnerError: 500,
    InputError: 422,
    PayloadTooLarge: 413,
    TooManyRequests: 429,
    UnsupportedMediaType: 415,
    NotFound: 404,
    Conflict: 409,
    Unauthorized: 401,
    Forbidden: 403,
    RequestTimeout: 408,
    BackendError: 502,
    BackendUnavailable: 503,
    NotReady: 503,
    Timeout: 504,
}
"""Status of each error class; a subclass not listed takes its nearest listed ancestor's."""


def status_of(error: XnerError) -> int:
    """The HTTP status for an error (nearest class in :data:`STATUS` along the MRO)."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def error_body(type_name: str, message: str, details: Any = None) -> dict[str, Any]:
    """The one JSON error body."""
    return {"error": {"type": type_name, "message": message, "details": details}}


def body_of(error: XnerError) -> dict[str, Any]:
    """The JSON body of an error a client reads: its message and details with server paths, URLs and addresses
    redacted (:func:`~xner.service.redact.public_message`)."""
    return error_body(error.type_name, public_message(error.message), public_details(error.details))


def headers_of(error: XnerError) -> dict[str, str]:
    """Extra response headers for an error (Retry-After on 429 and on a queue outage, WWW-Authenticate on 401)."""
    if isinstance(error, RetryLater) and error.retry_after is not None:
        return {"Retry-After": str(error.retry_after)}
    if isinstance(error, Unauthorized):
        return {"WWW-Authenticate": "Bearer"}
    return {}


def error_from_result(result: Any, fallback: str) -> XnerError:
    """Rebuild the typed error a step reported (``{"error": {"type", "message", "details"}}``), so the API
    answers with the status of the original error; anything else is a :class:`BackendError` with ``fallback``."""
    if isinstance(result, dict) and isinstance(result.get("error"), dict):
        error = result["error"]
        by_type = {cls.type_name: cls for cls in _all_error_classes() if "type_name" in vars(cls)}
        cls = by_type.get(str(error.get("type")), InputError)
        message = str(error.get("message") or fallback)
        instance = cls.__new__(cls)
        XnerError.__init__(instance, message, details=error.get("details"))
        return instance
    return BackendError(fallback)


def _all_error_classes() -> list[type[XnerError]]:
    found: list[type[XnerError]] = []
    pending: list[type[XnerError]] = [XnerError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
