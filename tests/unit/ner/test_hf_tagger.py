"""The hf tagger on a tiny random XLM-R: word-level labels, windows, batching, the BIO repair rule, label maps."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from xner.corpus import Span
from xner.ner import load_tagger
from xner.testing.tiny_models import TINY_CORPUS

pytest.importorskip("transformers")

import itertools

from xner.ner.hf import HfTagger


def sample(n: int, seed: int = 0, longest: int = 12) -> list[list[str]]:
    words = " ".join(TINY_CORPUS).split()
    rng = random.Random(seed)
    return [rng.sample(words, rng.randint(1, longest)) for _ in range(n)]


@pytest.fixture(scope="module")
def tagger(tiny_tagger_dir: Path) -> HfTagger:
    return HfTagger(str(tiny_tagger_dir))


def biased(tiny_tagger_dir: Path, label: str, **options: object) -> HfTagger:
    """A tagger whose classifier always prefers ``label``."""
    import torch

    tagger = HfTagger(str(tiny_tagger_dir), **options)  # type: ignore[arg-type]
    with torch.no_grad():
        tagger.model.classifier.weight.zero_()
        tagger.model.classifier.bias.fill_(0.0)
        tagger.model.classifier.bias[tagger.model.config.label2id[label]] = 10.0
    return tagger


def test_spans_are_well_formed_with_scores(tagger: HfTagger) -> None:
    sentences = [*sample(8), []]
    results = tagger.tag(sentences)
    assert len(results) == len(sentences) and results[-1] == []
    for words, spans in zip(sentences, results, strict=True):
        ordered = sorted(spans, key=lambda s: s.start)
        for left, right in itertools.pairwise(ordered):
            assert left.end <= right.start
        for span in spans:
            assert 0 <= span.start < span.end <= len(words)
            assert span.score is not None and 0.0 < span.score <= 1.0
            assert span.label in {"PER", "ORG", "LOC", "MISC"}


def test_long_sentences_are_windowed_and_every_word_is_labelled(tagger: HfTagger) -> None:
    long = sample(1, seed=5, longest=40)[0] * 3
    assert len(tagger.tokenizer(long, is_split_into_words=True, verbose=False).input_ids) > tagger.max_length
    (probs,) = tagger.word_probabilities([long])
    assert probs is not None and probs.shape[0] == len(long)
    assert probs.sum(dim=-1).tolist() == pytest.approx([1.0] * len(long), abs=1e-5)


def test_windowed_words_match_the_same_words_tagged_alone(tagger: HfTagger) -> None:
    """A word in the middle of a window sees the same context as that window tagged on its own."""
    long = sample(1, seed=7, longest=40)[0] * 2
    counts = [len(tagger.tokenizer([w], is_split_into_words=True, add_special_tokens=False).input_ids) for w in long]
    from xner.ner.windows import make_windows

    windows, owner = make_windows([counts], tagger.max_length - tagger.specials, tagger.window_overlap)
    assert len(windows) > 1
    (probs,) = tagger.word_probabilities([long])
    assert probs is not None
    second = windows[1]
    (alone,) = tagger.word_probabilities([long[second.start : second.end]])
    assert alone is not None
    for word in range(second.start, second.end):
        if owner[0][word][0] == 1:
            assert probs[word].tolist() == pytest.approx(alone[word - second.start].tolist(), abs=1e-5)


def test_batching_does_not_change_the_output(tiny_tagger_dir: Path) -> None:
    sentences = sample(12, seed=3)
    batched = HfTagger(str(tiny_tagger_dir))
    single = HfTagger(str(tiny_tagger_dir), batch_tokens=1, max_batch_windows=1)
    a, b = batched.tag(sentences), single.tag(sentences)
    assert [[s.key for s in x] for x in a] == [[s.key for s in x] for x in b]
    for x, y in zip(a, b, strict=True):
        assert [s.score for s in x] == pytest.approx([s.score for s in y], abs=1e-5)


def test_ill_formed_bio_is_repaired_by_the_seqeval_rule(tiny_tagger_dir: Path) -> None:
    tagger = biased(tiny_tagger_dir, "I-PER")  # every word I-PER: "I-PER I-PER I-PER" is one span
    (spans,) = tagger.tag([["Angela", "Merkel", "spoke"]])
    assert [s.key for s in spans] == [(0, 3, "PER")]
    assert spans[0].score == pytest.approx(1.0, abs=1e-3)


def test_label_map_drops_and_keeps(tiny_tagger_dir: Path) -> None:
    assert biased(tiny_tagger_dir, "B-MISC", drop="MISC").tag([["the", "Euro"]]) == [[]]
    assert biased(tiny_tagger_dir, "B-ORG", keep="PER,LOC").tag([["Google"]]) == [[]]
    renamed = biased(tiny_tagger_dir, "B-LOC", label_map="LOC=GPE").tag([["Madrid"]])
    assert renamed == [[Span(0, 1, "GPE", score=renamed[0][0].score)]]
    assert biased(tiny_tagger_dir, "B-LOC", drop="MISC").labels == ["LOC", "ORG", "PER"]


def test_loaded_by_spec(tiny_tagger_dir: Path) -> None:
    tagger = load_tagger(f"hf:{tiny_tagger_dir}", drop="MISC")
    assert isinstance(tagger, HfTagger)
    assert tagger.labels == ["LOC", "ORG", "PER"]
    assert tagger.max_length == 32  # the tiny tokenizer's model_max_length
