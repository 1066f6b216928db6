"""The app factory every service and the gateway use: error mapping, request ids, limits, health, metrics.

``/health`` is liveness and never touches a model or Redis; ``/ready`` is 503 until the broker answers and the
service's own readiness check (models loaded) passes; ``/metrics`` is Prometheus text.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xner import __version__
from xner.errors import FormatError, XnerError
from xner.service.broker import Broker
from xner.service.defaults import BROKER_RETRY_AFTER_SECONDS
from xner.service.errors import PayloadTooLarge, QueueUnavailable, body_of, error_body, headers_of, status_of
from xner.service.logs import configure_logging, request_id
from xner.service.metrics import Metrics
from xner.service.settings import Settings

log = logging.getLogger("xner.http")

Readiness = Callable[[], dict[str, bool]]

REQUEST_ID_HEADER = "X-Request-ID"


def create_app(
    *,
    service: str,
    settings: Settings,
    broker: Broker,
    routers: Sequence[APIRouter] = (),
    readiness: Readiness | None = None,
    queues: Sequence[str] = (),
    description: str = "",
) -> FastAPI:
    """Build a FastAPI app for ``service`` with the shared plumbing and the given routers."""
    configure_logging(settings.log_level)
    app = FastAPI(
        title=f"xner {service}", version=__version__, description=description, dependencies=[Depends(unicode_strings)]
    )
    metrics = Metrics(service)
    metrics.watch_queues(queues, broker.queue_length, broker.job_counts)
    app.state.settings = settings
    app.state.broker = broker
    app.state.metrics = metrics
    app.state.service = service

    _add_error_handlers(app, broker.outage_errors)
    app.add_middleware(RequestContextMiddleware, service=service, metrics=metrics, max_body=settings.max_body_bytes)

    @app.get("/health", tags=["operations"], summary="Liveness: the process answers (never touches a model).")
    def health() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @app.get(
        "/ready",
        tags=["operations"],
        summary="Readiness: 200 when the broker answers and the models are loaded, else 503.",
        responses={503: {"description": "Not ready"}},
    )
    def ready() -> JSONResponse:
        checks = {"broker": broker.ping()}
        if readiness is not None:
            checks.update(readiness())
        if all(checks.values()):
            return JSONResponse({"status": "ready", "checks": checks})
        failing = ", ".join(name for name, ok in checks.items() if not ok)
        return JSONResponse(error_body("not_ready", f"not ready: {failing}", checks), status_code=503)

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics.")
    def metrics_endpoint() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    for router in routers:
        app.include_router(router)
    return app


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")


async def unicode_strings(request: Request) -> None:
    """Reject JSON strings that are not valid Unicode text (lone surrogates such as ``"\\ud800"``): JSON allows
    them, UTF-8 cannot encode them, and they would only fail later inside a worker."""
    if request.method not in ("POST", "PUT", "PATCH") or "json" not in request.headers.get("content-type", ""):
        return
    body = await request.body()
    if not _SURROGATE_ESCAPE.search(body):  # cheap test first: most bodies have no surrogate escape at all
        return
    try:
        data = json.loads(body)
    except ValueError:
        return  # the route reports malformed JSON
    path = _unencodable(data, "")
    if path is not None:
        raise FormatError("not valid Unicode text (a lone surrogate)", source="request", field=path or "body")


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


def _add_error_handlers(app: FastAPI, outage_errors: tuple[type[Exception], ...]) -> None:
    @app.exception_handler(XnerError)
    async def xner_error(_: Request, exc: XnerError) -> JSONResponse:
        status = status_of(exc)
        if status >= 500:
            log.error("backend error: %s", exc)
        return JSONResponse(body_of(exc), status_code=status, headers=headers_of(exc))

    async def broker_outage(request: Request, exc: Exception) -> JSONResponse:
        error = QueueUnavailable(f"the job queue is unreachable ({exc})", retry_after=BROKER_RETRY_AFTER_SECONDS)
        return await xner_error(request, error)

    for error_type in outage_errors:
        app.add_exception_handler(error_type, broker_outage)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(part) for part in err.get("loc", ()) if part != "body"), "message": err.get("msg")}
            for err in exc.errors()
        ]
        first = problems[0] if problems else {"field": "", "message": "invalid request"}
        message = f"{first['field']}: {first['message']}" if first["field"] else str(first["message"])
        return JSONResponse(error_body("validation_error", message, problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body("http_error", str(exc.detail)), status_code=exc.status_code, headers=dict(exc.headers or {})
        )

    @app.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        log.error("internal error: %s", exc, exc_info=exc)
        return JSONResponse(
            error_body("internal_error", "internal error; the request id identifies it in the logs"), status_code=500
        )


class RequestContextMiddleware:
    """Pure ASGI middleware: request id, body-size limit, access log, metrics."""

    def __init__(self, app: ASGIApp, *, service: str, metrics: Metrics, max_body: int) -> None:
        self.app = app
        self.service = service
        self.metrics = metrics
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        rid = headers.get(REQUEST_ID_HEADER.lower()) or uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status_holder: dict[str, Any] = {"status": 500}

        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            error = PayloadTooLarge(
                f"the request body has {declared} bytes; the limit (max_body_bytes) is {self.max_body} bytes"
            )
            response = JSONResponse(body_of(error), status_code=413, headers={REQUEST_ID_HEADER: rid})
            await response(scope, receive, send)
            self._record(scope, 413, started)
            request_id.reset(token)
            return

        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    too_large = True  # stop the app reading; answer 413 ourselves below
                    return {"type": "http.disconnect"}
            return message

        async def send_with_id(message: Message) -> None:
            if too_large:
                return  # the app's answer to a cut-off body is replaced by the 413
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER.encode(), rid.encode())]
            await send(message)

        try:
            try:
                await self.app(scope, limited_receive, send_with_id)
            except Exception:
                if not too_large:
                    raise
            if too_large:
                error = PayloadTooLarge(
                    f"the request body is too large; the limit (max_body_bytes) is {self.max_body} bytes"
                )
                status_holder["status"] = 413
                await JSONResponse(body_of(error), status_code=413, headers={REQUEST_ID_HEADER: rid})(
                    scope, receive, send
                )
        finally:
            self._record(scope, int(status_holder["status"]), started)
            request_id.reset(token)

    def _record(self, scope: Scope, status: int, started: float) -> None:
        seconds = time.perf_counter() - started
        route = scope.get("route")
        path = getattr(route, "path", None) or "unmatched"
        method = scope.get("method", "")
        self.metrics.observe(path, method, status, seconds)
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
