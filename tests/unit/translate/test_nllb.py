"""The nllb backend on a tiny random NLLB model: language tokens, batching, splitting, scoring, determinism."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from xner.errors import LimitError, MismatchError
from xner.languages import UnknownLanguageError
from xner.testing.tiny_models import TINY_CORPUS

pytest.importorskip("transformers")

from xner.translate.nllb import NllbTranslator

#: Short generations keep the tests fast (the random model never emits </s> on its own).
FAST = {"num_beams": 2, "max_length_a": 0.5, "max_length_b": 3}


def sample_sentences(n: int, seed: int = 0) -> list[str]:
    words = " ".join(TINY_CORPUS).split()
    rng = random.Random(seed)
    return [" ".join(rng.sample(words, rng.randint(1, 14))) for _ in range(n)]


@pytest.fixture(scope="module")
def nllb(tiny_nllb_dir: Path) -> NllbTranslator:
    return NllbTranslator(str(tiny_nllb_dir), **FAST)


def test_language_codes_are_real_tokens_after_reloading(tiny_nllb_dir: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_nllb_dir))
    ids = tokenizer.convert_tokens_to_ids(["eng_Latn", "spa_Latn", "zul_Latn"])
    assert tokenizer.unk_token_id not in ids
    assert len(set(ids)) == 3
    assert tokenizer.convert_ids_to_tokens(tokenizer("hello", add_special_tokens=True).input_ids)[0] == "eng_Latn"


def test_generation_starts_with_the_target_language(nllb: NllbTranslator) -> None:
    spa = nllb.language_token_id("es")
    src = [nllb.language_token_id("en"), *nllb._encode(["The dog."])[0], nllb.eos_id]
    (generated,) = nllb._generate([src], spa, [6])
    assert generated[:2] == [nllb.model.config.decoder_start_token_id, spa]
    assert len(generated) <= 1 + 6 + 1  # start token, at most 6 generated, then </s>


def test_a_language_the_model_lacks_is_an_error_naming_it(nllb: NllbTranslator) -> None:
    with pytest.raises(UnknownLanguageError) as info:
        nllb.translate(["x"], "en", "arb_Latn")  # FLORES-200 has it; NLLB's vocabulary does not
    assert "arb_Latn" in str(info.value) and "has no language token" in str(info.value)
    assert "arb_Arab" in info.value.suggestions


def test_one_translation_per_input_in_order_and_empty_stays_empty(nllb: NllbTranslator) -> None:
    sentences = ["The dog.", "", "  ", "John works at Google in Madrid."]
    out = nllb.translate(sentences, "eng_Latn", "spa_Latn")
    assert len(out) == 4
    assert out[1] == out[2] == ""
    assert out[0] and out[3]
    assert out == nllb.translate(sentences, "en", "es")


def test_translation_does_not_depend_on_batching_or_order(tiny_nllb_dir: Path) -> None:
    sentences = sample_sentences(10)
    batched = NllbTranslator(str(tiny_nllb_dir), batch_tokens=100_000, **FAST)
    single = NllbTranslator(str(tiny_nllb_dir), batch_tokens=1, max_batch_sentences=1, **FAST)
    expected = batched.translate(sentences, "en", "es")
    assert len(set(expected)) > 5  # the tiny model's output depends on its input
    order = list(range(len(sentences)))
    random.Random(1).shuffle(order)
    shuffled = single.translate([sentences[i] for i in order], "en", "es")
    assert [shuffled[order.index(i)] for i in range(len(sentences))] == expected


def test_batches_are_sorted_and_within_the_token_budget(tiny_nllb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    translator = NllbTranslator(str(tiny_nllb_dir), batch_tokens=48, max_batch_sentences=4, **FAST)
    seen: list[list[int]] = []
    original = translator._generate

    def spy(sources: list[list[int]], tgt_id: int, limits: list[int]) -> list[list[int]]:
        seen.append([len(s) for s in sources])
        return original(sources, tgt_id, limits)

    monkeypatch.setattr(translator, "_generate", spy)
    translator.translate(sample_sentences(12, seed=2), "en", "es")
    assert sum(len(b) for b in seen) == 12 and len(seen) > 1
    for lengths in seen:
        assert len(lengths) == 1 or len(lengths) * max(lengths) <= 48
    flat = [n for lengths in seen for n in lengths]
    assert flat == sorted(flat, reverse=True)


def test_over_long_input_is_split_at_clauses_and_nothing_is_dropped(
    tiny_nllb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    translator = NllbTranslator(str(tiny_nllb_dir), max_input_tokens=24, **FAST)
    long = " ".join(["John Smith works at Google in Madrid, Spain."] * 6)
    total_tokens = len(translator._encode([long])[0])
    assert total_tokens + 2 > 24
    seen: list[list[int]] = []
    original = translator._generate

    def spy(sources: list[list[int]], tgt_id: int, limits: list[int]) -> list[list[int]]:
        seen.extend(sources)
        return original(sources, tgt_id, limits)

    monkeypatch.setattr(translator, "_generate", spy)
    (out,) = translator.translate([long], "en", "es")
    assert len(seen) > 1 and all(len(s) <= 24 for s in seen)
    assert sum(len(s) - 2 for s in seen) >= total_tokens  # every source token reached the model
    pieces = [translator.tokenizer.decode(s[1:-1]) for s in seen]
    assert all(p.rstrip().endswith((".", ",")) for p in pieces[:-1])  # cut after clause punctuation
    assert isinstance(out, str)


def test_score_is_the_mean_target_token_log_probability(nllb: NllbTranslator) -> None:
    import torch

    src, tgt = ["The quick brown fox."], ["El rápido zorro."]
    (ours,) = nllb.score(src, tgt, "en", "es")
    tokenizer = nllb.tokenizer
    tokenizer.src_lang, tokenizer.tgt_lang = "eng_Latn", "spa_Latn"
    batch = tokenizer(src, text_target=tgt, return_tensors="pt")  # the tokenizer's own special-token layout
    with torch.no_grad():
        logits = nllb.model(input_ids=batch["input_ids"], labels=batch["labels"]).logits
    logprobs = torch.log_softmax(logits, -1)[0].gather(-1, batch["labels"][0].unsqueeze(-1)).squeeze(-1)
    assert ours == pytest.approx(logprobs[1:].mean().item(), abs=1e-5)
    assert ours < 0


def test_scores_rank_the_model_s_own_translation_above_a_random_one(nllb: NllbTranslator) -> None:
    sources = sample_sentences(6, seed=3)
    own = nllb.translate(sources, "en", "es")
    other = list(reversed(sample_sentences(6, seed=4)))
    own_scores = nllb.score(sources, own, "en", "es")
    other_scores = nllb.score(sources, other, "en", "es")
    assert sum(own_scores) / 6 > sum(other_scores) / 6


def test_score_errors(nllb: NllbTranslator, tiny_nllb_dir: Path) -> None:
    with pytest.raises(MismatchError):
        nllb.score(["a", "b"], ["a"], "en", "es")
    short = NllbTranslator(str(tiny_nllb_dir), max_input_tokens=8)
    with pytest.raises(LimitError):
        short.score(["one two three four five six seven eight nine ten"], ["x"], "en", "es")


def test_fingerprint_changes_with_decoding_settings(tiny_nllb_dir: Path, nllb: NllbTranslator) -> None:
    other = NllbTranslator(str(tiny_nllb_dir), **(FAST | {"num_beams": 3}))
    assert other.fingerprint != nllb.fingerprint
    assert str(tiny_nllb_dir.resolve()) in nllb.fingerprint


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    from xner.errors import BackendUnavailable

    with pytest.raises(BackendUnavailable) as info:
        NllbTranslator(str(tmp_path / "no-such-model"))
    assert "no-such-model" in str(info.value)
