"""Structured logs: one JSON object per line, carrying the id of the request being served."""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar
from typing import Any

request_id: ContextVar[str | None] = ContextVar("xner_request_id", default=None)
"""The id of the request this code runs for (``X-Request-ID``), if any."""


class JsonFormatter(logging.Formatter):
    """Format a record as a JSON line with time, level, logger, message, request id and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id.get()
        if rid:
            entry["request_id"] = rid
        for key in ("service", "route", "method", "status", "duration_ms", "job_id"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    """Send every log record to stderr as JSON lines (idempotent): the ``xner`` loggers at ``level``, and through
    the root logger the third-party ones (uvicorn, RQ, and the Hugging Face libraries once
    :func:`xner.models.route_library_logs` has taken their own handlers away) at ``level`` or above warnings."""
    logger = logging.getLogger("xner")
    logger.setLevel(level.upper())
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        logger.addHandler(_json_handler())
        logger.propagate = False
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        root.addHandler(_json_handler())
    root.setLevel(max(logging.getLevelName(level.upper()), logging.WARNING))
    logging.captureWarnings(True)  # warnings.warn from libraries: JSON lines too


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler writing to whatever ``sys.stderr`` is when a record is emitted (not the stream it was
    created with, which a test harness or a daemon may have closed since)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _json_handler() -> logging.Handler:
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter())
    return handler
