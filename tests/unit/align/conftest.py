"""Fixtures of the alignment tests: a tiny random BERT built offline once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.tiny_bert import build_tiny_bert

SENTENCES = (
    "the European Parliament met in Strasbourg on Monday and the Commission answered questions about fishing",
    "das Europäische Parlament tagte am Montag in Straßburg und die Kommission beantwortete Fragen zur Fischerei",
    "el Parlamento Europeo se reunió el lunes en Estrasburgo y la Comisión respondió preguntas sobre la pesca",
    "1999 17 . , ; : ! ? Mr Barroso Herr Señor",
)
WORDS = [word for sentence in SENTENCES for word in sentence.split()]


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of a random 9-layer BERT with hidden size 32; most words split into character pieces."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), WORDS, n_words=20)
