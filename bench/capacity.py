"""Capacity planning: sentences per hour of one worker for each step, and how many workers a corpus needs.

    python -m bench.capacity [--sentences 1000000] [--hours 1] [--rate STEP=SENTENCES_PER_S ...] [--cache DIR]

Each step is timed the way its worker runs it, in one process, with the weight-free default backends, on
Europarl-NER en->es: translate (Apertium en->es) and ner (spaCy's English tagger, as translate-test runs it) on
the 799 sentences in the service's chunks (``XNER_CHUNK_SIZE`` sentences, one job each); align (eflomal) and
project (candidates + exact matching) on one alignment block, the job the gateway plans for a corpus-level aligner
(``--block`` sentences, default :data:`~xner.align.defaults.EFLOMAL_BLOCK_SENTENCES`: Europarl repeated, as
``bench.project_scale`` does, since eflomal's time per sentence falls as a block grows).
``--rate translate=900`` replaces a step's measured rate with one taken elsewhere (a GPU worker, say), so the
table plans for that hardware. For a corpus of ``--sentences``, the table gives the jobs of each step, the hours
one worker needs for all of them, and the workers that finish them within ``--hours`` (steps run as a pipeline,
so each pool is sized on its own; a pool gains nothing past one worker per job).
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from pathlib import Path

from bench.europarl_data import alignments, load
from xner import backends
from xner.align.defaults import EFLOMAL_BLOCK_SENTENCES
from xner.project.parallel import project_corpus
from xner.service.defaults import CHUNK_SIZE

STEPS = ("translate", "align", "project", "ner")
BLOCK_STEPS = frozenset({"align", "project"})
"""Steps the gateway runs one job per alignment block (not per chunk) with the default, corpus-level aligner."""


def _rate(step: Callable[[int, int], object], total: int, size: int) -> float:
    """Sentences per second of ``step(start, stop)`` over every chunk of ``size`` in ``total`` sentences."""
    started = time.perf_counter()
    for start in range(0, total, size):
        step(start, min(total, start + size))
    return total / (time.perf_counter() - started)


def measure(chunk: int, block: int, cache: Path | None) -> dict[str, float]:
    """Sentences/s of each step (backends loaded before timing)."""
    english, spanish = load("en"), load("es")
    links = alignments("eflomal", english, spanish, "es", cache)
    translator = backends.load("translator")
    aligner = backends.load("aligner")
    tagger = backends.load("tagger")
    texts = [" ".join(s.tokens) for s in english]
    translator.translate(texts[:2], "en", "es")
    tagger.tag([english[0].tokens])
    repeat = -(-block // len(english))
    src, tgt = (english * repeat)[:block], (spanish * repeat)[:block]
    block_links = (links * repeat)[:block]
    return {
        "translate": _rate(lambda a, b: translator.translate(texts[a:b], "en", "es"), len(texts), chunk),
        "align": _rate(lambda a, b: aligner.align([s.tokens for s in src], [s.tokens for s in tgt]), block, block),
        "project": _rate(lambda a, b: project_corpus(src, tgt, block_links), block, block),
        "ner": _rate(lambda a, b: tagger.tag([s.tokens for s in english[a:b]]), len(english), chunk),
    }


def plan(
    rates: dict[str, float], sentences: int, hours: float, chunk: int, block: int
) -> list[tuple[str, float, float, int, float, int]]:
    """Per step: sentences/s, sentences/hour of one worker, its jobs for ``sentences``, the hours one worker needs
    for them, and the workers that finish them within ``hours`` (at most one per job)."""
    rows = []
    for step in STEPS:
        per_hour = rates[step] * 3600
        jobs = math.ceil(sentences / (block if step in BLOCK_STEPS else chunk))
        alone = sentences / per_hour
        rows.append((step, rates[step], per_hour, jobs, alone, min(jobs, math.ceil(alone / hours))))
    return rows


def _given(text: str) -> tuple[str, float]:
    step, _, value = text.partition("=")
    if step not in STEPS or not value:
        raise argparse.ArgumentTypeError(f"--rate takes STEP=SENTENCES_PER_S with STEP one of {', '.join(STEPS)}")
    return step, float(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=1_000_000, help="corpus size to plan for")
    parser.add_argument("--hours", type=float, default=1.0, help="turnaround to plan for")
    parser.add_argument("--rate", type=_given, action="append", default=[], help="STEP=SENTENCES_PER_S (given)")
    parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE, help="sentences per job (XNER_CHUNK_SIZE)")
    parser.add_argument("--block", type=int, default=EFLOMAL_BLOCK_SENTENCES, help="sentences per align job")
    parser.add_argument("--cache", type=Path, default=None, help="folder for the eflomal links (reused)")
    args = parser.parse_args()
    given = dict(args.rate)
    rates = {**measure(args.chunk_size, args.block, args.cache), **given}
    print(
        f"chunks of {args.chunk_size} sentences, alignment blocks of {args.block:,}; "
        f"plan: {args.sentences:,} sentences in {args.hours:g} h"
    )
    print("| step | rate | sentences/s | sentences/hour per worker | jobs | hours for one worker | workers needed |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for step, per_second, per_hour, jobs, alone, workers in plan(
        rates, args.sentences, args.hours, args.chunk_size, args.block
    ):
        source = "given" if step in given else "measured"
        print(f"| {step} | {source} | {per_second:,.1f} | {per_hour:,.0f} | {jobs:,} | {alone:,.1f} | {workers:,} |")


if __name__ == "__main__":
    main()
