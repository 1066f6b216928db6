"""The app factory every service and the gateway use: error mapping, request ids, limits, health, metrics.

``/health`` is liveness: it runs on the event loop and never touches a model or Redis, so it answers while every
worker thread waits on a Redis outage. ``/ready`` is 503 with Retry-After until the broker answers and the
service's own readiness check (models loaded) passes, within :data:`PROBE_TIMEOUT`. ``/metrics`` is Prometheus
text, behind the API key unless ``XNER_METRICS_PUBLIC=true``; it never hangs on Redis (the broker's probes do not
retry). The middleware (:mod:`xner.service.middleware`) adds request ids, body limits and crash handling.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from xner import __version__
from xner.errors import XnerError, field_message, field_path
from xner.service.auth import metrics_access
from xner.service.broker import Broker
from xner.service.defaults import BROKER_RETRY_AFTER_SECONDS, DOCS_ASSETS, PROBE_THREADS, PROBE_TIMEOUT
from xner.service.errors import QueueFull, QueueUnavailable, RetryLater, body_of, error_body, headers_of, status_of
from xner.service.logs import configure_logging
from xner.service.metrics import Metrics
from xner.service.middleware import RequestContextMiddleware
from xner.service.redact import public_message
from xner.service.settings import Settings

log = logging.getLogger("xner.http")


@dataclass(frozen=True, slots=True)
class Check:
    """One readiness check: its name (``broker``, ``ner workers``, ``tagger spacy``), whether it passes, and why
    not (a backend's load error with its fix, or ``loading``)."""

    name: str
    ok: bool
    reason: str | None = None


Readiness = Callable[[], list[Check]]


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
    # /docs (Swagger UI) and /redoc from the assets fastapi-offline ships, not a CDN: they render offline
    app = FastAPIOffline(title=f"xner {service}", version=__version__, description=description, static_url=DOCS_ASSETS)
    metrics = Metrics(service)
    probe = broker.probe()
    metrics.watch_queues(queues, probe.queue_length, probe.job_counts)
    app.state.settings = settings
    app.state.broker = broker
    app.state.metrics = metrics
    app.state.service = service

    _add_error_handlers(app, broker, settings.retry_after)
    app.add_middleware(RequestContextMiddleware, service=service, metrics=metrics, settings=settings)

    @app.get("/health", tags=["operations"], summary="Liveness: the process answers (never touches a model).")
    async def health() -> dict[str, str]:  # async: served on the event loop even when every thread waits on Redis
        return {"status": "ok", "service": service}

    @app.get(
        "/ready",
        tags=["operations"],
        summary="Readiness: 200 when the broker answers and the default backends are loaded, else 503 with "
        "Retry-After naming each failing check and why (a backend's load error says how to fix it).",
        responses={503: {"description": "Not ready"}},
    )
    async def ready() -> JSONResponse:
        found = await _bounded(lambda: _readiness_checks(broker, readiness), PROBE_TIMEOUT)
        checks = found if found is not None else [Check("broker", False, "the job queue did not answer in time")]
        body = {
            "checks": {check.name: check.ok for check in checks},
            "reasons": {check.name: check.reason for check in checks if not check.ok and check.reason},
        }
        if all(check.ok for check in checks):
            return JSONResponse({"status": "ready", **body})
        failing = "; ".join(f"{c.name}: {c.reason}" if c.reason else c.name for c in checks if not c.ok)
        return JSONResponse(
            error_body("not_ready", public_message(f"not ready: {failing}"), body),
            status_code=503,
            headers={"Retry-After": str(BROKER_RETRY_AFTER_SECONDS)},
        )

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics.", dependencies=[Depends(metrics_access)])
    async def metrics_endpoint() -> Response:
        text = await _bounded(lambda: generate_latest(metrics.registry), PROBE_TIMEOUT * 2)
        if text is None:
            raise QueueUnavailable("metrics could not be collected in time", retry_after=BROKER_RETRY_AFTER_SECONDS)
        return Response(text, media_type=CONTENT_TYPE_LATEST)

    for router in routers:
        app.include_router(router)
    return app


T = TypeVar("T")


_probe_pool = ThreadPoolExecutor(PROBE_THREADS, thread_name_prefix="xner-probe")


async def _bounded(call: Callable[[], T], timeout: float) -> T | None:
    """Run a blocking call on the probe threads; ``None`` when it has not answered within ``timeout`` seconds (the
    thread finishes on its own: the broker's probes have short socket timeouts and no retries)."""
    future = asyncio.get_running_loop().run_in_executor(_probe_pool, call)
    try:
        return await asyncio.wait_for(future, timeout)
    except TimeoutError:
        return None


def _readiness_checks(broker: Broker, readiness: Readiness | None) -> list[Check]:
    if not broker.ping():
        return [Check("broker", False, "the job queue is unreachable")]
    return [Check("broker", True), *(readiness() if readiness is not None else [])]


def _problem(error: Any) -> dict[str, Any]:
    """One validation problem as ``{"field", "message"}``; malformed JSON names the character and what was
    expected there instead of pydantic's bare "JSON decode error"."""
    location = [part for part in error.get("loc", ()) if part != "body"]
    if error.get("type") == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "malformed")
        where = f" at character {location[-1]}" if location else ""
        return {"field": "", "message": f"the body is not valid JSON: {reason}{where}"}
    return {"field": field_path(location), "message": field_message(str(error.get("msg")))}


def _add_error_handlers(app: FastAPI, broker: Broker, full_retry_after: int) -> None:
    """The one error mapping; the broker's store errors become 503 with Retry-After: ``queue_full`` (retry after
    ``full_retry_after``, as for back-pressure) while it refuses writes for memory, else ``queue_unavailable``."""

    @app.exception_handler(XnerError)
    async def xner_error(_: Request, exc: XnerError) -> JSONResponse:
        status = status_of(exc)
        if status >= 500 and isinstance(exc, RetryLater):  # an expected, passing state (a full or unreachable queue)
            log.warning("%s: %s", type(exc).__name__, exc)
        elif status >= 500:
            log.error("backend error: %s", exc)
        return JSONResponse(body_of(exc), status_code=status, headers=headers_of(exc))

    async def broker_outage(request: Request, exc: Exception) -> JSONResponse:
        error: XnerError
        if isinstance(exc, broker.full_errors):
            log.warning("job queue full: %s", exc)
            error = QueueFull("the job queue is full; retry later", retry_after=full_retry_after)
        else:
            log.warning("job queue unreachable: %s", exc)  # the exception names the store's address: logs only
            error = QueueUnavailable(
                "the job queue is unreachable; retry later", retry_after=BROKER_RETRY_AFTER_SECONDS
            )
        return await xner_error(request, error)

    for error_type in broker.outage_errors:
        app.add_exception_handler(error_type, broker_outage)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_problem(err) for err in exc.errors()]
        first = problems[0] if problems else {"field": "", "message": "invalid request"}
        message = f"{first['field']}: {first['message']}" if first["field"] else str(first["message"])
        return JSONResponse(error_body("validation_error", message, problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body("http_error", str(exc.detail)), status_code=exc.status_code, headers=dict(exc.headers or {})
        )
