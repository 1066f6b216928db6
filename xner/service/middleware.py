"""The one ASGI middleware of every xner app: request id, bounded body, JSON bounds, crash and disconnect handling,
access log and metrics.

* **Request id**: the client's ``X-Request-ID`` when it is a plain token (:data:`REQUEST_ID_PATTERN`), else a new
  one; it is on every response (500s included) and on every log line written while the request is served.
* **Body**: read whole before the app sees it, within ``max_body_bytes`` (413, checked on ``Content-Length``
  first) and ``body_timeout`` seconds from the request's start (408); a client that disconnects mid-body is logged
  as 499, not as an error.
* **JSON bounds**: a body the routes read as JSON is checked for nesting depth, number length and UTF-8 before any
  parser runs (422 naming the limit; :mod:`xner.jsonlimits`).
* **Crashes**: an exception no handler mapped is one JSON 500 with the request id, logged once with its traceback
  (the connection stays usable).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xner import jsonlimits
from xner.errors import FormatError, XnerError
from xner.service.errors import PayloadTooLarge, RequestTimeout, body_of, error_body, status_of
from xner.service.logs import request_id
from xner.service.metrics import Metrics
from xner.service.settings import Settings

log = logging.getLogger("xner.http")

REQUEST_ID_HEADER = "X-Request-ID"

REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")
"""A client's request id is kept only when it matches this (no spaces, quotes or control characters in logs)."""

CLIENT_CLOSED = 499
"""Status logged (never sent) for a request whose client went away before the answer."""

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Methods that get their own metrics label; any other (a client can send any word) is counted as ``OTHER``, so
no client can grow the metrics without bound."""

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

JSON_MEDIA_TYPES = frozenset({"", "application/json", "application/x-www-form-urlencoded"})
"""Content types whose bodies the routes read as JSON (a missing one, and what ``curl -d`` sends)."""


class _Disconnected(Exception):
    """The client went away while its body was being read."""


def reads_json(scope: Scope) -> bool:
    """Whether the routes parse this request's body as JSON (by its content type)."""
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            media = value.decode("latin-1").partition(";")[0].strip().lower()
            return media in JSON_MEDIA_TYPES or media.endswith("+json")
    return True


def json_problem(body: bytes, settings: Settings) -> XnerError | None:
    """The 422 for a JSON body that is not UTF-8 or exceeds the depth or number bounds, else ``None``."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return FormatError(f"the body is not valid UTF-8 (byte {exc.start})", source="request")
    found = jsonlimits.problem(body, max_depth=settings.max_json_depth, max_digits=settings.max_number_digits)
    if found is not None:
        return FormatError(found, source="request")
    return lone_surrogate(body)


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")


def lone_surrogate(body: bytes) -> XnerError | None:
    """The 422 for JSON strings that are not valid Unicode text (lone surrogates such as ``"\\ud800"``): JSON
    allows them, UTF-8 cannot encode them, and they would only fail later inside a worker."""
    if not _SURROGATE_ESCAPE.search(body):  # cheap test first: most bodies have no surrogate escape at all
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # the route reports malformed JSON
    path = _unencodable(data, "")
    if path is None:
        return None
    return FormatError("not valid Unicode text (a lone surrogate)", source="request", field=path or "body")


def _unencodable(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _unencodable(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


class RequestContextMiddleware:
    """Pure ASGI middleware; see the module docstring."""

    def __init__(self, app: ASGIApp, *, service: str, metrics: Metrics, settings: Settings) -> None:
        self.app = app
        self.service = service
        self.metrics = metrics
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _request_id(scope)
        token = request_id.set(rid)
        started = time.perf_counter()
        state: dict[str, Any] = {"status": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"], state["started"] = message["status"], True
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER.encode(), rid.encode())]
            await send(message)

        try:
            app_receive = receive
            if scope.get("method") in BODY_METHODS:
                refusal, app_receive = await self._read_body(scope, receive, started)
                if refusal is not None:
                    await self._refuse(refusal, send_with_id)
                    return
            await self.app(scope, app_receive, send_with_id)
        except (_Disconnected, ClientDisconnect, OSError):
            state["status"] = CLIENT_CLOSED if not state["started"] else state["status"]
            log.info("client disconnected before the answer was complete")
        except Exception as exc:  # a bug: one logged traceback, one JSON 500 with the request id
            log.error("internal error: %s", exc, exc_info=exc)
            if not state["started"]:
                body = error_body("internal_error", "internal error; the request id identifies it in the logs")
                await JSONResponse(body, status_code=500)(scope, receive, send_with_id)
        finally:
            self._record(scope, int(state["status"]), started)
            request_id.reset(token)

    async def _read_body(self, scope: Scope, receive: Receive, started: float) -> tuple[XnerError | None, Receive]:
        """Read the whole body within the size and time limits; return the refusal (if any) and the ``receive``
        that replays the body to the app."""
        limit = self.settings.max_body_bytes
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return _too_large(f"the request body has {declared} bytes", limit), receive
        chunks: list[bytes] = []
        size = 0
        deadline = started + self.settings.body_timeout
        while True:
            remaining = deadline - time.perf_counter()
            try:
                message = await asyncio.wait_for(receive(), timeout=max(remaining, 0.001))
            except TimeoutError:
                return RequestTimeout(
                    f"the request body did not arrive within {self.settings.body_timeout:g} s; the limit "
                    "(body_timeout) counts from the first byte of the request"
                ), receive
            if message["type"] == "http.disconnect":
                raise _Disconnected()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return _too_large("the request body is too large", limit), receive
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and reads_json(scope):
            problem = json_problem(body, self.settings)
            if problem is not None:
                return problem, receive
        return None, _replay(body, receive)

    async def _refuse(self, error: XnerError, send: Callable[[Message], Awaitable[None]]) -> None:
        """Answer a request refused before the app ran, and close the connection (its body may be unread)."""
        response = JSONResponse(body_of(error), status_code=status_of(error), headers={"Connection": "close"})
        await response({"type": "http"}, _nothing, send)

    def _record(self, scope: Scope, status: int, started: float) -> None:
        seconds = time.perf_counter() - started
        route = scope.get("route")
        path = getattr(route, "path", None) or "unmatched"
        method = scope.get("method", "")
        self.metrics.observe(path, method if method in HTTP_METHODS else "OTHER", status, seconds)
        log.info(
            "%s %s -> %d",
            method,
            scope.get("path", ""),
            status,
            extra={
                "service": self.service,
                "route": path,
                "method": method,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
            },
        )


def _request_id(scope: Scope) -> str:
    sent = _header(scope, REQUEST_ID_HEADER.lower().encode())
    return sent if sent is not None and REQUEST_ID_PATTERN.fullmatch(sent) else uuid.uuid4().hex


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _too_large(what: str, limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"{what}; the limit (max_body_bytes) is {limit} bytes")


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the app the buffered body once, then waits on the client (for its disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _nothing() -> Message:
    return {"type": "http.disconnect"}
