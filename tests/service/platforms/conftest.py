"""The gateway with the embedded queue, as the annotation platforms call it: identity "translation", the spaCy
English tagger and eflomal, so translate-test runs end to end without model weights."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.clients import SPACY_EN, embedded_client

LABEL_CONFIG = """<View>
  <Labels name="ner" toName="doc">
    <Label value="Person"/><Label value="Location"/><Label value="ORG"/>
  </Labels>
  <Text name="doc" value="$content"/>
</View>"""
"""A project config whose names differ from Label Studio's defaults and whose labels differ from the model's."""

TRICKY_TEXT = "😀 Angela Merkel visited Paris.\r\nZoe\u0301 said 👍🏽 Barack Obama lives in Washington."
"""Astral emoji (two UTF-16 units each, one with a skin-tone modifier), a decomposed accent, CRLF."""


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    pytest.importorskip(SPACY_EN, reason=f"{SPACY_EN} is not installed (pip install -e '.[dev]')")
    with embedded_client() as c:
        yield c


def utf16_slice(text: str, start: int, end: int) -> str:
    """``text.slice(start, end)`` as JavaScript (and so Label Studio and doccano) computes it."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


HOLD = threading.Event()
"""Set to let :func:`hold_step` return."""


def hold_step(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """A step that occupies its queue until a test sets :data:`HOLD` (so "not done yet" needs no timing)."""
    HOLD.wait(60)
    return {}


HOLD_STEP = "fake_hold"
"""The name :func:`hold_step` is registered under (embedded brokers only: it waits on this process's event)."""


@pytest.fixture(autouse=True, scope="session")
def _hold_step_registered() -> None:
    from xner.service import steps

    steps.register({HOLD_STEP: hold_step})
