"""What the backend benchmarks share: tiny random models of the production architectures and sentences."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xner.models import padded_batch
from xner.testing.tiny_models import TINY_CORPUS, build_tiny_nllb, build_tiny_token_classifier

#: Size of the benchmark translation model: tiny, but big enough that compute is not all Python overhead.
NLLB_SIZE = {"d_model": 128, "layers": 2, "ffn": 512, "heads": 4, "max_positions": 256}

#: Size of the benchmark token classifier.
TAGGER_SIZE = {"hidden": 128, "layers": 2, "heads": 4, "max_length": 128}


def word_sentences(n: int, seed: int = 0, shortest: int = 3, longest: int = 20) -> list[list[str]]:
    """``n`` sentences of random words from the tiny models' training text, of random lengths."""
    words = " ".join(TINY_CORPUS).split()
    rng = random.Random(seed)
    return [[rng.choice(words) for _ in range(rng.randint(shortest, longest))] for _ in range(n)]


def tiny_nllb(root: Path, **size: int) -> Path:
    return build_tiny_nllb(root / "nllb", **(NLLB_SIZE | size))  # type: ignore[arg-type]


def tiny_tagger(root: Path) -> Path:
    return build_tiny_token_classifier(root / "xlmr", **TAGGER_SIZE)  # type: ignore[arg-type]


WARMUP = 16
"""Sentences each side processes once, untimed, before it is measured (thread pools, lazy init)."""


def translation_parser(doc: str) -> argparse.ArgumentParser:
    """The options every translation benchmark takes: corpus size and decoding settings."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--max-length-a", type=float, default=0.5)
    parser.add_argument("--max-length-b", type=int, default=3)
    return parser


#: Word counts of Europarl, fitted on the 799 parallel sentences of Europarl-NER (English: log-normal, median 24
#: words, at most 70; Spanish/English length ratio: mean 1.06, sd 0.23), for when the shared data is absent.
EUROPARL_FIT = {"log_mean": 3.18, "log_sd": 0.58, "longest": 70.0, "ratio_mean": 1.06, "ratio_sd": 0.23}


def europarl_fit_lengths(n: int, seed: int = 0) -> list[tuple[int, int]]:
    """``n`` (source, target) word counts drawn from :data:`EUROPARL_FIT`."""
    fit = EUROPARL_FIT
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        source = min(int(fit["longest"]), max(1, round(math.exp(rng.gauss(fit["log_mean"], fit["log_sd"])))))
        ratio = max(0.4, rng.gauss(fit["ratio_mean"], fit["ratio_sd"]))
        pairs.append((source, max(1, round(source * ratio))))
    return pairs


def sentences_of_lengths(lengths: Sequence[int], seed: int = 0) -> list[list[str]]:
    """Sentences of random words from the tiny models' training text, one of each length (in words)."""
    words = " ".join(TINY_CORPUS).split()
    rng = random.Random(seed)
    return [[rng.choice(words) for _ in range(length)] for length in lengths]


def europarl_lengths() -> list[tuple[int, int]] | None:
    """(English, Spanish) word counts of Europarl-NER's parallel sentences, or None where the data is absent."""
    from bench.common import shared_data_dir

    folder = shared_data_dir() / "europarl-ner"
    if not all((folder / f"{lang}-europarl.test.conll02").is_file() for lang in ("en", "es")):
        return None
    from bench.europarl_data import load

    return [(len(en.tokens), len(es.tokens)) for en, es in zip(load("en"), load("es"), strict=True)]


def europarl_like(n: int) -> tuple[list[str], list[tuple[int, int]], str]:
    """``n`` sentences of random words whose lengths are drawn from Europarl's English side; the (English,
    Spanish) word counts they were drawn from (what :func:`natural_nllb` learns its output lengths from); and where
    those came from (Europarl-NER, or :data:`EUROPARL_FIT` without the shared data)."""
    pairs = europarl_lengths()
    origin = "Europarl-NER's en/es word counts"
    if pairs is None:
        pairs, origin = europarl_fit_lengths(799), "a fit of Europarl's word counts (no shared data)"
    draw = random.Random(1)
    lengths = [draw.choice(pairs)[0] for _ in range(n)]
    return [" ".join(words) for words in sentences_of_lengths(lengths, seed=2)], pairs, origin


TARGET_TEXT = " ".join(TINY_CORPUS[1::2])
"""The text every training target of :func:`natural_nllb` is cut from: the Spanish lines of the tiny corpus."""


NATURAL_STEPS, NATURAL_BATCH, NATURAL_LEARNING_RATE = 200, 16, 3e-3
"""How :func:`natural_nllb` trains by default: enough Adam steps for the benchmark-sized model to end its outputs
with ``</s>`` at its targets' lengths (about 45 seconds on one CPU core)."""


def natural_nllb(
    cache: Path,
    lengths: Sequence[tuple[int, int]],
    *,
    steps: int = NATURAL_STEPS,
    batch: int = NATURAL_BATCH,
    learning_rate: float = NATURAL_LEARNING_RATE,
    seed: int = 0,
    **size: int,
) -> Path:
    """A tiny NLLB (:data:`NLLB_SIZE` unless ``size`` says otherwise) trained to stop at ``</s>`` after natural
    lengths: ``steps`` Adam steps on batches of ``batch`` pairs. A source is random words, as many as the first
    count of a pair drawn from ``lengths`` (source and target word counts, e.g. Europarl's en and es); its target
    is the first tokens of :data:`TARGET_TEXT`, as many as the source has tokens times the mean target/source
    ratio of ``lengths``. Only the target's length depends on the source, so the model learns it in a few hundred
    steps (learning to translate would take many thousands); a target length drawn at random around that ratio
    would leave the model unsure where to stop, and decoding would run on to the length limit.

    Seeded and deterministic (trained on one thread, whatever torch's setting); written once to
    ``cache/nllb-natural-KEY`` (KEY a digest of everything the training depends on) and reused from there."""
    import torch
    import transformers

    recipe = {
        "task": "first ratio x source tokens of TARGET_TEXT", "target_text": TARGET_TEXT, "init_std": 0.02,
        "lengths": [list(pair) for pair in lengths], "steps": steps, "batch": batch, "learning_rate": learning_rate,
        "seed": seed, "size": NLLB_SIZE | size, "torch": torch.__version__, "transformers": transformers.__version__,
    }  # fmt: skip
    key = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]
    out = cache / f"nllb-natural-{key}"
    if (out / TRAINED).is_file():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        shape = NLLB_SIZE | size
        work = build_tiny_nllb(Path(tmp) / "model", **shape, init_std=0.02, seed=seed)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # the same weights whatever the caller's thread count
        try:
            loss = _train(work, lengths, steps=steps, batch=batch, learning_rate=learning_rate, seed=seed)
        finally:
            torch.set_num_threads(threads)
        (work / TRAINED).write_text(json.dumps(recipe | {"final_loss": loss}, indent=1), encoding="utf-8")
        if not (out / TRAINED).is_file():
            shutil.rmtree(out, ignore_errors=True)
            work.rename(out)
    return out


def _train(
    model_dir: Path, lengths: Sequence[tuple[int, int]], *, steps: int, batch: int, learning_rate: float, seed: int
) -> float:
    """Train the model in ``model_dir`` as :func:`natural_nllb` describes and save it there; the last loss."""
    import torch
    from transformers import AutoTokenizer, M2M100ForConditionalGeneration

    tokenizer: Any = AutoTokenizer.from_pretrained(str(model_dir))
    model = M2M100ForConditionalGeneration.from_pretrained(str(model_dir))
    source_lang, target_lang = tokenizer.convert_tokens_to_ids(["eng_Latn", "spa_Latn"])
    pad, eos = tokenizer.pad_token_id, tokenizer.eos_token_id
    words = " ".join(TINY_CORPUS).split()
    passage = tokenizer(TARGET_TEXT, add_special_tokens=False)["input_ids"]
    ratio = sum(target for _, target in lengths) / sum(source for source, _ in lengths)
    rng = random.Random(seed)
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    model.train()
    loss = torch.tensor(0.0)
    for _ in range(steps):
        texts = [" ".join(rng.choice(words) for _ in range(rng.choice(lengths)[0])) for _ in range(batch)]
        sources = tokenizer(texts, add_special_tokens=False)["input_ids"]
        targets = [[passage[i % len(passage)] for i in range(max(1, round(len(row) * ratio)))] for row in sources]
        ids, mask = padded_batch([[source_lang, *row, eos] for row in sources], pad)
        labels, _ = padded_batch([[target_lang, *row, eos] for row in targets], -100)
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.train(False)
    model.save_pretrained(str(model_dir))
    return float(loss.item())


TRAINED = "trained.json"
"""The file :func:`natural_nllb` writes last into a trained model's folder: its recipe and final loss."""
