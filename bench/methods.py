"""Every projection method the configuration reaches, on Europarl-NER English -> Spanish, weight-free.

    python -m bench.methods [--sentences N] [--runs K] [--translator apertium] [--aligner eflomal]
                            [--tagger spacy:en_core_web_sm] [--align-cache run|off]

Each row is one :class:`~xner.project.config.ProjectionConfig`, run through the functions the CLI and the
services call (``Run(config, loader)`` with :func:`xner.backends.load`, then :func:`xner.pipeline.project_parallel`,
:func:`~xner.pipeline.translate_train` or :func:`~xner.pipeline.translate_test`), with weight-free backends:
Apertium eng<->spa, eflomal, the English spaCy pipeline. Three blocks, each with its baseline (the configuration's
default, marked ``*``) run in the same invocation, and every row's F1 compared with it:

1. **parallel**: the English gold projected onto the human Spanish (scored by span F1 against the Spanish gold);
   the back-translation rows translate the English with markers into Spanish (Apertium) and align that with the
   human Spanish, same-language.
2. **translate-train**: the English gold projected onto Apertium's Spanish; the MT words have no gold, so the
   spans are scored by surface form, ``(type, lower-cased text)`` per sentence, against the human Spanish gold
   (:func:`xner.experiment.scoring.surface_report`: a lower bound, a correct projection of an entity that the MT
   words differently counts as wrong). ``markers`` is EasyProject.
3. **translate-test**: the Spanish translated into English by Apertium, tagged by spaCy, the spans projected back
   onto the Spanish words (scored by span F1 against the Spanish gold).

P / R / F1 are x100; ``dF1`` is the row's mean F1 minus its block baseline's, in points; ``s`` is the wall time of
the pipeline call (translation, alignment, projection; backends loaded inside it), ``align s`` the part spent in
the aligner; ``dropped`` counts the sentences whose projection status is ``dropped`` (entities in the source, none
carried over: every entity lost, or markers that could not be read back).

eflomal samples from a system seed, so every row runs ``--runs K`` times (mean, and min-max when K > 1). The
alignment cache (``xner.backends.load("aligner", ..., cache=...)``) is set the same way for every row: with
``--align-cache run`` (the default) it is on, in a fresh directory per run, so within one run every row that
aligns the same sentence pairs with the same aligner settings reuses the same links (rows differing only in method
are compared on identical links, and only the first of them pays for the alignment: its ``align s``), while each
run draws new links; with ``--align-cache off`` every row aligns anew (differences between rows then include
eflomal's sampling noise).

Rows that need neural weights (encoder link extraction such as softmax, the NMT translation score, an NLLB
translator) are listed as not measured, with what they need. Without the data (``$XNER_SHARED_DATA``, default
``../shared/data``) or the Apertium pair the bench says so and exits 0.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bench.common import shared_data_dir
from bench.europarl_data import load as load_side
from xner import backends
from xner.align.base import Aligner, Alignment, Batch
from xner.corpus import Sentence
from xner.errors import XnerError
from xner.evaluate import Report, evaluate
from xner.experiment.scoring import surface_report
from xner.ner.defaults import DEFAULT_TAGGER
from xner.pipeline import Run, project_parallel, translate_test, translate_train
from xner.project import ProjectionResult
from xner.project.config import Pipeline, ProjectionConfig

SRC_LANG = "eng_Latn"
TGT_LANG = "spa_Latn"

NOT_MEASURED: tuple[tuple[str, str], ...] = (
    (
        "extraction softmax (also argmax / itermax / match)",
        "an encoder aligner with weights: --aligner encoder:MODEL, e.g. encoder:bert-base-multilingual-cased",
    ),
    (
        "candidates with weights translation=W (NMTScore)",
        "a scoring NMT model: scorer nllb:MODEL, e.g. nllb:facebook/nllb-200-distilled-600M",
    ),
    ("any row with an NMT translator", "translator nllb:MODEL (or a CTranslate2 conversion of it)"),
)
"""Configurations this bench cannot measure weight-free, and what they need."""


@dataclass(frozen=True, slots=True)
class Row:
    """One configuration of a block; ``baseline`` marks the block's reference row."""

    name: str
    config: ProjectionConfig
    baseline: bool = False
    needs_tagger: bool = False


@dataclass(slots=True)
class Measures:
    """The scores and times of one row over its runs (one entry per run)."""

    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    f1: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    align_seconds: list[float] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    error: str | None = None


class TimedAligner:
    """An aligner that adds the seconds each of its calls takes to its loader's clock."""

    def __init__(self, inner: Aligner, clock: BenchLoader) -> None:
        self.inner = inner
        self.clock = clock

    def align(self, src: Batch, tgt: Batch) -> list[Alignment]:
        """The inner aligner's alignments, timed."""
        start = time.perf_counter()
        try:
            return self.inner.align(src, tgt)
        finally:
            self.clock.align_seconds += time.perf_counter() - start


class BenchLoader:
    """:func:`xner.backends.load` with the bench's alignment-cache setting for every aligner it builds (on, in
    ``cache_dir``; off when ``cache_dir`` is ``None``), and the aligner's time counted in :attr:`align_seconds`."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_dir = cache_dir
        self.align_seconds = 0.0

    def __call__(self, kind: str, spec: str | None = None, /, **options: Any) -> Any:
        if kind != "aligner":
            return backends.load(kind, spec, **options)
        cache: dict[str, Any] = {"cache": self.cache_dir is not None}
        if self.cache_dir is not None:
            cache["cache_dir"] = str(self.cache_dir)
        return TimedAligner(backends.load("aligner", spec, **cache, **options), self)


Measure = Callable[[Run], tuple[Report, ProjectionResult]]


@dataclass(frozen=True, slots=True)
class Block:
    """A pipeline measured with several configurations, scored one way."""

    title: str
    pipeline: Pipeline
    rows: tuple[Row, ...]
    measure: Measure


NO_FILL = "symmetrise majority (no fill)"
"""The rows that measure eflomal's default ``majority-fill`` against the plain vote it replaced."""


def parallel_block(english: Sequence[Sentence], spanish: Sequence[Sentence], tagger: str | None) -> Block:
    """Gold English projected onto the human Spanish (:func:`xner.pipeline.project_parallel`, as ``xner project``)."""
    targets = [replace(s, spans=[], tags=None) for s in spanish]
    gold = [replace(s, tags=None) for s in spanish]

    def measure(run: Run) -> tuple[Report, ProjectionResult]:
        result = project_parallel(run, [list(english)], targets, src_lang=SRC_LANG, tgt_lang=TGT_LANG)
        return evaluate(gold, [replace(s, tags=None) for s in result.sentences]), result

    gdfa = "grow-diag-final-and"
    rows = [
        Row("candidates (default)", ProjectionConfig(), baseline=True),
        Row("candidates, case repair off (the default before)", ProjectionConfig(case_repair="off")),
        Row("candidates, case repair drop", ProjectionConfig(case_repair="drop")),
        Row("heuristic", ProjectionConfig(method="heuristic")),
        Row("heuristic-paper", ProjectionConfig(method="heuristic-paper")),
        Row("candidates, matching greedy", ProjectionConfig(matching="greedy")),
        Row("candidates, preset paper", ProjectionConfig(preset="paper")),
        Row(
            "candidates both, spaCy-en tags the Spanish",
            ProjectionConfig(candidates="both", candidate_tagger=tagger),
            needs_tagger=True,
        ),
        Row("candidates + backtranslation", ProjectionConfig(backtranslation=True)),
        Row("heuristic + backtranslation", ProjectionConfig(method="heuristic", backtranslation=True)),
        Row(f"candidates, symmetrise {gdfa}", ProjectionConfig(symmetrise=gdfa)),
        Row(f"heuristic, symmetrise {gdfa}", ProjectionConfig(method="heuristic", symmetrise=gdfa)),
        Row(f"candidates, {NO_FILL}", ProjectionConfig(symmetrise="majority")),
        Row(f"heuristic, {NO_FILL}", ProjectionConfig(method="heuristic", symmetrise="majority")),
        Row(f"candidates + backtranslation, {NO_FILL}", ProjectionConfig(backtranslation=True, symmetrise="majority")),
    ]
    return Block(
        f"parallel: English gold -> human Spanish ({len(spanish)} sentences), span F1", "parallel", tuple(rows), measure
    )


def translate_train_block(english: Sequence[Sentence], spanish: Sequence[Sentence]) -> Block:
    """Gold English projected onto its Apertium Spanish (:func:`xner.pipeline.translate_train`), scored by surface
    form against the human Spanish gold."""
    gold = list(spanish)

    def measure(run: Run) -> tuple[Report, ProjectionResult]:
        result = translate_train(english, src_lang=SRC_LANG, tgt_lang=TGT_LANG, run=run)
        report = surface_report(gold, [s.tokens for s in result.sentences], [s.spans for s in result.sentences])
        return report, result

    rows = [
        Row("candidates (default)", ProjectionConfig(), baseline=True),
        Row("candidates, case repair off (the default before)", ProjectionConfig(case_repair="off")),
        Row("heuristic", ProjectionConfig(method="heuristic")),
        Row("markers (EasyProject)", ProjectionConfig(method="markers")),
        Row(f"candidates, {NO_FILL}", ProjectionConfig(symmetrise="majority")),
        Row(f"heuristic, {NO_FILL}", ProjectionConfig(method="heuristic", symmetrise="majority")),
    ]
    title = f"translate-train: English gold -> Apertium Spanish ({len(spanish)} sentences), surface F1"
    return Block(title, "translate-train", tuple(rows), measure)


def translate_test_block(spanish: Sequence[Sentence], tagger: Any) -> Block:
    """Spanish -> Apertium English -> spaCy -> projected back (:func:`xner.pipeline.translate_test`, as ``xner tag
    --via eng_Latn``), scored against the Spanish gold."""
    targets = [replace(s, spans=[], tags=None) for s in spanish]
    gold = [replace(s, tags=None) for s in spanish]

    def measure(run: Run) -> tuple[Report, ProjectionResult]:
        result = translate_test(targets, lang=TGT_LANG, tagger=tagger, run=run)
        return evaluate(gold, [replace(s, tags=None) for s in result.sentences]), result

    rows = [
        Row("heuristic (default)", ProjectionConfig(), baseline=True),
        Row("candidates", ProjectionConfig(method="candidates")),
        Row("candidates, case repair off", ProjectionConfig(method="candidates", case_repair="off")),
        Row("heuristic + backtranslation", ProjectionConfig(backtranslation=True)),
        Row(f"heuristic, {NO_FILL}", ProjectionConfig(symmetrise="majority")),
        Row(f"candidates, {NO_FILL}", ProjectionConfig(method="candidates", symmetrise="majority")),
    ]
    title = f"translate-test: Spanish -> Apertium English -> spaCy -> Spanish ({len(spanish)} sentences), span F1"
    return Block(title, "translate-test", tuple(rows), measure)


def with_backends(config: ProjectionConfig, translator: str, aligner: str) -> ProjectionConfig:
    """``config`` with the bench's translator and aligner."""
    return config.model_copy(update={"translator": translator, "aligner": aligner})


def measure_row(block: Block, config: ProjectionConfig, cache_dir: Path | None, into: Measures) -> None:
    """Run one row once (a fresh loader sharing the run's cache directory); append its scores and times."""
    loader = BenchLoader(cache_dir)
    start = time.perf_counter()
    try:
        report, result = block.measure(Run(config, loader))
    except XnerError as exc:
        into.error = f"{type(exc).__name__}: {exc}"
        return
    into.seconds.append(time.perf_counter() - start)
    into.align_seconds.append(loader.align_seconds)
    into.precision.append(report.overall.precision * 100)
    into.recall.append(report.overall.recall * 100)
    into.f1.append(report.overall.f1 * 100)
    into.dropped.append(result.counts.dropped)


def print_block(block: Block, measures: list[Measures], runs: int) -> None:
    """The block's table: one line per row, the baseline first and marked ``*``."""
    base = next(m for r, m in zip(block.rows, measures, strict=True) if r.baseline)
    base_f1 = statistics.fmean(base.f1) if base.f1 else None
    spread = runs > 1
    header = f"  {'configuration':<48}{'P':>6}{'R':>6}{'F1':>6}{'dF1':>7}"
    header += f"{'F1 min-max':>13}" if spread else ""
    header += f"{'dropped':>9}{'s':>7}{'align s':>9}"
    print(f"\n{block.title}")
    print(header)
    print("  " + "-" * (len(header) - 2))
    for row, m in zip(block.rows, measures, strict=True):
        name = ("* " if row.baseline else "  ") + row.name
        if m.error is not None or not m.f1:
            print(f"{name:<50}not measured: {m.error or 'skipped'}")
            continue
        f1 = statistics.fmean(m.f1)
        delta = "" if row.baseline or base_f1 is None else f"{f1 - base_f1:+.1f}"
        line = f"{name:<50}{statistics.fmean(m.precision):6.1f}{statistics.fmean(m.recall):6.1f}{f1:6.1f}{delta:>7}"
        if spread:
            line += f"{f'{min(m.f1):.1f}-{max(m.f1):.1f}':>13}"
        line += f"{statistics.fmean(m.dropped):9.1f}{statistics.fmean(m.seconds):7.1f}"
        line += f"{statistics.fmean(m.align_seconds):9.1f}"
        if len(m.f1) < runs:
            line += f"  ({len(m.f1)} of {runs} runs; then {m.error})"
        print(line)


def available(translator: str, aligner: str) -> str | None:
    """Why the bench cannot run here (missing data, Apertium pair, aligner), or ``None``."""
    folder = shared_data_dir() / "europarl-ner"
    missing = [
        f"{lang}-europarl.test.conll02"
        for lang in ("en", "es")
        if not (folder / f"{lang}-europarl.test.conll02").is_file()
    ]
    if missing:
        return f"Europarl-NER not found at {folder} ({', '.join(missing)} missing; set XNER_SHARED_DATA)"
    try:
        mt = backends.load("translator", translator, cache=False)
        for src, tgt in ((SRC_LANG, TGT_LANG), (TGT_LANG, SRC_LANG)):
            mt.translate(["Hello"], src, tgt)
        backends.load("aligner", aligner, cache=False).align([["a", "b"]], [["a", "b"]])
    except XnerError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def pivot_tagger(spec: str) -> Any:
    """The English tagger, or ``None`` (with a message) when spaCy or the pipeline is missing."""
    try:
        return backends.load("tagger", spec)
    except (XnerError, ImportError, OSError) as exc:
        print(f"the tagger {spec} cannot be loaded here ({exc}); its rows are skipped")
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, measure every block, print the tables; 0 also when the bench cannot run here."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=None, help="only the first N sentences (default: all 799)")
    parser.add_argument("--runs", type=int, default=1, help="runs of every row (eflomal samples; mean, min-max)")
    parser.add_argument("--translator", default="apertium")
    parser.add_argument("--aligner", default="eflomal")
    parser.add_argument("--tagger", default=DEFAULT_TAGGER, help="English tagger of translate-test")
    parser.add_argument(
        "--align-cache",
        choices=("run", "off"),
        default="run",
        help="run: on, one fresh cache per run (rows of a run share links); off: every row aligns anew",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or (args.sentences is not None and args.sentences < 1):
        parser.error("--runs and --sentences must be at least 1")
    print("$ " + shlex.join(["python", "-m", "bench.methods", *(sys.argv[1:] if argv is None else argv)]))

    reason = available(args.translator, args.aligner)
    if reason is not None:
        print(f"nothing measured: {reason}")
        return 0
    english, spanish = load_side("en"), load_side("es")
    if args.sentences is not None:
        english, spanish = english[: args.sentences], spanish[: args.sentences]
    tagger = pivot_tagger(args.tagger)
    blocks = [
        parallel_block(english, spanish, args.tagger if tagger is not None else None),
        translate_train_block(english, spanish),
    ]
    if tagger is not None:
        blocks.append(translate_test_block(spanish, tagger))
    print(
        f"Europarl-NER en->es, {len(spanish)} sentences; translator {args.translator}, aligner {args.aligner}, "
        f"tagger {args.tagger}; {args.runs} run(s) per row; alignment cache: {args.align_cache}"
    )

    measures = [[Measures() for _ in block.rows] for block in blocks]
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="xner-bench-methods-") as tmp:
            cache_dir = Path(tmp) if args.align_cache == "run" else None
            for block, row_measures in zip(blocks, measures, strict=True):
                for row, into in zip(block.rows, row_measures, strict=True):
                    if row.needs_tagger and tagger is None:
                        into.error = f"needs the tagger {args.tagger}"
                        continue
                    if into.error is None:
                        config = with_backends(row.config, args.translator, args.aligner)
                        measure_row(block, config, cache_dir, into)
        print(f"  run {run + 1}/{args.runs} done", file=sys.stderr, flush=True)

    for block, row_measures in zip(blocks, measures, strict=True):
        print_block(block, row_measures, args.runs)
    print("\nnot measured here (no model weights):")
    for what, needs in NOT_MEASURED:
        print(f"  {what}: needs {needs}")
    return 0


if __name__ == "__main__":
    start = time.perf_counter()
    status = main()
    print(f"({time.perf_counter() - start:.0f} s)")
    sys.exit(status)
