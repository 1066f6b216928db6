"""The translation-batching bench measures a realistic case: its trained tiny NLLB ends its outputs with ``</s>`` at
natural lengths (the random one runs every output to the length limit), training is deterministic, and the
batched backend and the per-sentence baseline it is timed against translate alike. No timing is asserted."""

from __future__ import annotations

import random
import statistics
from pathlib import Path

import pytest

pytest.importorskip("transformers")

from bench._tiny import europarl_fit_lengths, natural_nllb, sentences_of_lengths, tiny_nllb
from bench.translate_batching import SRC, TGT, Output, per_sentence
from xner.translate.nllb import NllbTranslator

#: A smaller model, shorter sentences and shorter training than the bench's, so the test trains in seconds.
SIZE = {"d_model": 64, "layers": 1, "ffn": 256, "heads": 4}
TRAINING = {"steps": 100, "batch": 16, "learning_rate": 5e-3}
PAIRS = [(source, target) for source, target in europarl_fit_lengths(400) if source <= 25]
SENTENCES = [" ".join(words) for words in sentences_of_lengths(random.Random(1).choices([s for s, _ in PAIRS], k=12))]


def trained(cache: Path) -> Path:
    return natural_nllb(cache, PAIRS, **TRAINING, **SIZE)  # type: ignore[arg-type]


def translator(model: Path, beams: int = 2) -> NllbTranslator:
    return NllbTranslator(str(model), device="cpu", num_beams=beams, max_length_a=1.2, max_length_b=10)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return trained(tmp_path_factory.mktemp("natural"))


@pytest.fixture(scope="module")
def outputs(model: Path) -> list[Output]:
    return per_sentence(translator(model), SENTENCES)


def test_the_trained_model_ends_most_outputs_with_eos_at_lengths_that_follow_the_source(outputs: list[Output]) -> None:
    assert sum(o.capped for o in outputs) <= len(outputs) // 4
    tokens = [o.tokens for o in outputs]
    assert max(tokens) - min(tokens) >= 10  # varied lengths, not one length for all
    assert statistics.correlation([o.source_tokens for o in outputs], tokens) > 0.5


def test_the_random_model_runs_every_output_to_its_limit(tmp_path: Path) -> None:
    capped = per_sentence(translator(tiny_nllb(tmp_path, d_model=32, ffn=64, layers=1)), SENTENCES[:4])
    assert all(o.capped for o in capped)


def test_training_is_seeded_and_deterministic(model: Path, outputs: list[Output], tmp_path: Path) -> None:
    again = trained(tmp_path)  # a second training, in another folder
    assert (again / "trained.json").read_text() == (model / "trained.json").read_text()  # final loss included
    assert (again / "model.safetensors").read_bytes() == (model / "model.safetensors").read_bytes()
    assert [o.tokens for o in per_sentence(translator(again), SENTENCES)] == [o.tokens for o in outputs]


def test_another_seed_trains_another_model_and_a_trained_one_is_reused(tmp_path: Path) -> None:
    short = {**TRAINING, "steps": 5, "batch": 4}  # no model to use, but seeded weights all the same

    def train(seed: int) -> Path:
        return natural_nllb(tmp_path, PAIRS, **short, **SIZE, seed=seed)  # type: ignore[arg-type]

    first, other = train(0), train(1)
    assert first != other
    assert (first / "model.safetensors").read_bytes() != (other / "model.safetensors").read_bytes()
    stamp = (first / "model.safetensors").stat().st_mtime_ns
    assert train(0) == first and (first / "model.safetensors").stat().st_mtime_ns == stamp


def test_batched_and_per_sentence_translations_are_identical(model: Path, outputs: list[Output]) -> None:
    assert translator(model).translate(SENTENCES, SRC, TGT) == [o.text for o in outputs]
