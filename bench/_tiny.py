"""What the backend benchmarks share: tiny random models of the production architectures and sentences."""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from xner.testing.tiny_models import TINY_CORPUS, build_tiny_nllb, build_tiny_token_classifier

T = TypeVar("T")

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


def timed(function: Callable[[], T]) -> tuple[T, float]:
    """``function()`` and the seconds it took."""
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def report(name: str, count: int, seconds: float) -> float:
    """Print and return items per second."""
    rate = count / seconds
    print(f"  {name:<44} {count:>6} in {seconds:8.2f} s  = {rate:9.1f} /s")
    return rate


def translation_parser(doc: str) -> argparse.ArgumentParser:
    """The options every translation benchmark takes: corpus size and decoding settings."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--max-length-a", type=float, default=0.5)
    parser.add_argument("--max-length-b", type=int, default=3)
    return parser
