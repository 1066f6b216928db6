"""Fine-tuning a tiny XLM-R: it learns, early-stops on dev, is seeded, and saves a reloadable model with a card."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from xner.corpus import Sentence, Span
from xner.errors import InputError
from xner.evaluate import score_span_sets

pytest.importorskip("transformers")

from xner.ner.hf import HfTagger
from xner.ner.train import base_model_name, label_list, train_tagger
from xner.ner.train_config import TrainingConfig

PEOPLE = ["John", "Mary", "Angela", "Pedro", "Juan"]
PLACES = ["Madrid", "Paris", "Lisbon", "Berlin", "Valencia"]
COMPANIES = ["Google", "Siemens", "Commission"]


def corpus(n: int, seed: int) -> list[Sentence]:
    """``PER works for ORG in LOC .`` with random fillers: learnable from the words alone."""
    rng = random.Random(seed)
    sentences = []
    for _ in range(n):
        words = [rng.choice(PEOPLE), "works", "for", rng.choice(COMPANIES), "in", rng.choice(PLACES), "."]
        sentences.append(Sentence(words, [Span(0, 1, "PER"), Span(3, 4, "ORG"), Span(5, 6, "LOC")]))
    return sentences


def untrained_f1(model: Path, dev: list[Sentence]) -> float:
    predicted = HfTagger(str(model)).tag([s.tokens for s in dev])
    gold = [[span.key for span in s.spans] for s in dev]
    return score_span_sets(gold, [[span.key for span in spans] for spans in predicted], "default").overall.f1


def test_training_learns_saves_and_reloads(tiny_tagger_dir: Path, tmp_path: Path) -> None:
    out, dev = tmp_path / "model", corpus(12, 2)
    config = TrainingConfig(epochs=12, learning_rate=3e-3, batch_size=8, patience=4, seed=7, warmup_ratio=0.0)
    result = train_tagger(
        corpus(48, 1), dev, f"hf:{tiny_tagger_dir}", out, config=config, languages=["es"],
        train_name="train.conll", dev_name="dev.conll",
    )  # fmt: skip
    assert result.dev_scores.overall.f1 >= 0.8 > untrained_f1(tiny_tagger_dir, dev)
    assert result.dev_scores.overall.f1 == max(h["dev_f1"] for h in result.history)
    tagger = HfTagger(str(out))
    assert tagger.labels == ["LOC", "ORG", "PER"]
    predicted = tagger.tag([["Mary", "works", "for", "Google", "in", "Paris", "."]])[0]
    assert sum(s.key in {(0, 1, "PER"), (3, 4, "ORG"), (5, 6, "LOC")} for s in predicted) >= 2

    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.startswith('---\nlanguage:\n- "es"\n')
    assert "train.conll" in card and "dev.conll" in card and "| overall |" in card
    assert f"{result.dev_scores.overall.f1:.4f}" in card
    info = json.loads((out / "xner-training.json").read_text(encoding="utf-8"))
    assert info["languages"] == ["spa_Latn"]
    assert info["train"] == {"name": "train.conll", "sentences": 48, "entities": {"LOC": 48, "ORG": 48, "PER": 48}}
    assert info["settings"]["seed"] == 7
    assert info["best_step"] == result.best_step


def test_training_is_seeded(tiny_tagger_dir: Path, tmp_path: Path) -> None:
    import torch
    from transformers import AutoModelForTokenClassification

    config = TrainingConfig(max_steps=3, learning_rate=1e-3, batch_size=4, seed=3)
    runs = []
    for name in ("a", "b"):
        train_tagger(corpus(16, 1), corpus(4, 2), str(tiny_tagger_dir), tmp_path / name, config=config)
        runs.append(AutoModelForTokenClassification.from_pretrained(str(tmp_path / name)).classifier.weight)
    assert torch.equal(runs[0], runs[1])


def test_early_stopping_keeps_the_best_evaluation(tiny_tagger_dir: Path, tmp_path: Path) -> None:
    config = TrainingConfig(epochs=20, learning_rate=0.0, batch_size=8, patience=2, eval_steps=1)
    result = train_tagger(corpus(16, 1), corpus(4, 2), str(tiny_tagger_dir), tmp_path / "m", config=config)
    assert result.stopped_early
    assert result.steps == 3 and result.best_step == 1  # nothing improves after the first evaluation


def test_bad_inputs(tiny_tagger_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        train_tagger([], corpus(2, 1), str(tiny_tagger_dir), tmp_path)
    with pytest.raises(InputError):
        base_model_name("spacy:en_core_web_sm")
    assert base_model_name("hf") == "FacebookAI/xlm-roberta-large-finetuned-conll03-english"
    assert label_list(corpus(2, 1)) == ["O", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-PER", "I-PER"]
