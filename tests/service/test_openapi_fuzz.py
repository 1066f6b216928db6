"""Schemathesis against the gateway's own OpenAPI document, in process (embedded queue, weight-free backends):
generated requests to every operation, valid and invalid, and not one answer may be a 5xx."""

from __future__ import annotations

import importlib.util

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e .[dev])")

from hypothesis import HealthCheck, settings  # noqa: E402

from tests.service.clients import SPACY_EN, embedded_settings  # noqa: E402
from xner.suite import build_app  # noqa: E402

EXAMPLES = 25
"""Generated requests per operation: enough to reach every status path, bounded to keep the test short."""

APP = build_app("gateway", settings=embedded_settings(redis_url=None, sync_timeout=30, max_body_bytes=256 * 1024))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.mark.skipif(importlib.util.find_spec(SPACY_EN) is None, reason=f"spaCy pipeline {SPACY_EN} is not installed")
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case):  # type: ignore[no-untyped-def]
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["type"] and error["message"], response.text
