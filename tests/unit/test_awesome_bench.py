"""bench/align_vs_awesome.py: the real awesome-align 0.1.7 and xner's softmax extraction, on the same random BERT,
give the same word links on every pair (the speed figures are the bench's business, not the test's)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench._tiny import word_sentences
from bench.align_vs_awesome import SHAPES, STUBBED, build_model, compare, import_awesome_align
from xner.testing.tiny_models import TINY_CORPUS

pytest.importorskip("awesome_align")
pytest.importorskip("transformers")

# words the vocabulary lacks (split into characters), punctuation inside a word, accents, an unknown character
AWKWARD = (
    ["The", "Kommissionsvorschlag,", "i.e.", "über", "Zürich's", "ℵx", "proposal."],
    ["Der", "Vorschlag", "(", "d.h.", ")", "Überprüfung", "ℵ"],
)


def test_awesome_align_and_xner_give_identical_links_on_every_pair(tmp_path: Path) -> None:
    before = {name: sys.modules.get(name) for name in STUBBED}
    import_awesome_align()
    assert {name: sys.modules.get(name) for name in STUBBED} == before  # the stubs lived for the import only

    words = " ".join(TINY_CORPUS).split()
    src = [*word_sentences(9, seed=1, longest=30), AWKWARD[0]]
    tgt = [*word_sentences(9, seed=2, shortest=1), AWKWARD[1]]
    model = build_model(tmp_path, SHAPES["tiny"], words)
    built = (model / "pytorch_model.bin").stat().st_mtime_ns
    assert build_model(tmp_path, SHAPES["tiny"], words) == model
    assert (model / "pytorch_model.bin").stat().st_mtime_ns == built  # built once, then reused

    ours, theirs = compare(model, src, tgt, layer=8, batch=4)  # three awesome-align batches, padded

    assert len(ours) == len(theirs) == len(src)
    assert sum(map(len, theirs)) > len(src)  # links to compare, not empty sets
    assert [sorted(a) for a in ours] == [sorted(b) for b in theirs]
