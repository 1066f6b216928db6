"""The spacy tagger with an installed English pipeline (skipped when none is installed)."""

from __future__ import annotations

import pytest

from xner.errors import BackendUnavailable, InputError
from xner.ner import load_tagger


def test_pretokenised_words_and_ontonotes_labels_mapped(spacy_pipeline: str) -> None:
    tagger = load_tagger(f"spacy:{spacy_pipeline}")
    sentences = [
        ["John", "Smith", "works", "for", "Google", "in", "London", "since", "2010", "."],
        ["Paris,", "France", "is", "lovely", "."],  # "Paris," stays one word: spaCy's tokenizer is not used
        [],
    ]
    first, second, empty = tagger.tag(sentences)
    labelled = {" ".join(sentences[0][s.start : s.end]): s.label for s in first}
    assert labelled.get("John Smith") == "PER"
    assert labelled.get("Google") == "ORG"
    assert labelled.get("London") == "LOC"  # GPE -> LOC
    assert "2010" not in labelled  # DATE is dropped
    assert all(0 <= s.start < s.end <= len(sentences[1]) for s in second)
    assert empty == []
    assert all(s.score is None for s in first)
    assert tagger.labels == ["LOC", "MISC", "ORG", "PER"]


def test_label_options_apply_after_the_ontonotes_map(spacy_pipeline: str) -> None:
    tagger = load_tagger(f"spacy:{spacy_pipeline}", keep="PER")
    (spans,) = tagger.tag([["John", "Smith", "works", "for", "Google", "in", "London", "."]])
    assert {s.label for s in spans} == {"PER"}


def test_missing_pipeline_and_missing_name_are_clear_errors() -> None:
    pytest.importorskip("spacy")
    with pytest.raises(BackendUnavailable) as info:
        load_tagger("spacy:xx_no_such_pipeline_sm")
    assert "xx_no_such_pipeline_sm" in str(info.value)
    with pytest.raises(InputError):
        load_tagger("spacy")
