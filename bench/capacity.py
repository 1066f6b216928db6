"""Capacity planning: sentences per hour of one worker for each step, and how many workers a corpus needs.

    python -m bench.capacity [--sentences 1000000] [--hours 1] [--rate STEP=SENTENCES_PER_S ...] [--cache DIR]

Each step is timed the way its worker runs it, on Europarl-NER en->es (799 sentences), one process, the
weight-free default backends: translate (Apertium en->es) and ner (spaCy's English tagger, as translate-test
runs it) in the service's chunks (``XNER_CHUNK_SIZE`` sentences, one job each); align (eflomal) and project
(candidates + exact matching on the eflomal links) as one job over the whole corpus, which is how the gateway
plans a corpus-level aligner (``gateway/plans.py``: eflomal learns from every sentence at once).
``--rate translate=900`` replaces a step's measured rate with one taken elsewhere (a GPU worker, say), so the
table plans for that hardware. The last columns are the hours one worker needs for the corpus, and the workers
of that step a corpus of ``--sentences`` needs to be through it within ``--hours`` (steps run as a pipeline, so
each pool is sized on its own). A corpus-level step is one job, so only one worker serves a corpus however many
run: it says so instead of a count.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.europarl_data import alignments, load
from xner import backends
from xner.corpus import Sentence
from xner.project.parallel import project_corpus
from xner.service.defaults import CHUNK_SIZE

STEPS = ("translate", "align", "project", "ner")
CORPUS_LEVEL = frozenset({"align", "project"})
"""Steps the gateway runs as one job per corpus with the default (corpus-level) aligner."""


def _chunks(items: Sequence[Sentence], size: int) -> list[Sequence[Sentence]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _rate(step: Callable[[int, int], object], total: int, size: int) -> float:
    """Sentences per second of ``step(start, stop)`` over every chunk of ``size`` in ``total`` sentences."""
    started = time.perf_counter()
    for start in range(0, total, size):
        step(start, min(total, start + size))
    return total / (time.perf_counter() - started)


def measure(size: int, cache: Path | None) -> dict[str, float]:
    """Sentences/s of each step on Europarl en->es (backends loaded before timing; chunked steps in ``size``)."""
    english, spanish = load("en"), load("es")
    links = alignments("eflomal", english, spanish, "es", cache)
    translator = backends.load("translator")
    aligner = backends.load("aligner")
    tagger = backends.load("tagger")
    texts = [" ".join(s.tokens) for s in english]
    translator.translate(texts[:2], "en", "es")
    tagger.tag([english[0].tokens])
    whole = len(english)
    return {
        "translate": _rate(lambda a, b: translator.translate(texts[a:b], "en", "es"), whole, size),
        "align": _rate(
            lambda a, b: aligner.align([s.tokens for s in english], [s.tokens for s in spanish]), whole, whole
        ),
        "project": _rate(lambda a, b: project_corpus(english, spanish, links), whole, whole),
        "ner": _rate(lambda a, b: tagger.tag([s.tokens for s in english[a:b]]), whole, size),
    }


def plan(rates: dict[str, float], sentences: int, hours: float) -> list[tuple[str, float, float, float, str]]:
    """Per step: sentences/s, sentences/hour of one worker, the hours one worker needs for ``sentences``, and the
    workers they need to be done in ``hours`` (a corpus-level step: one job, so one worker)."""
    rows = []
    for step in STEPS:
        per_hour = rates[step] * 3600
        alone = sentences / per_hour
        workers = "1 (one job per corpus)" if step in CORPUS_LEVEL else f"{math.ceil(alone / hours):,}"
        rows.append((step, rates[step], per_hour, alone, workers))
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
    parser.add_argument("--cache", type=Path, default=None, help="folder for the eflomal links (reused)")
    args = parser.parse_args()
    given = dict(args.rate)
    rates = {**measure(args.chunk_size, args.cache), **given}
    print(f"chunks of {args.chunk_size} sentences; plan: {args.sentences:,} sentences in {args.hours:g} h")
    print("| step | rate | sentences/s | sentences/hour per worker | hours for one worker | workers needed |")
    print("|---|---|---:|---:|---:|---:|")
    for step, per_second, per_hour, alone, workers in plan(rates, args.sentences, args.hours):
        source = "given" if step in given else "measured"
        print(f"| {step} | {source} | {per_second:,.1f} | {per_hour:,.0f} | {alone:,.1f} | {workers} |")


if __name__ == "__main__":
    main()
