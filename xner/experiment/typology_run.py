"""Run the controlled typology experiment (:mod:`xner.experiment.typology`) on Europarl-NER and write its outputs.

For every axis and strength the target side is transformed; each source side's gold is aligned to it with the
configured aligner and projected; scored against the transformed gold (span F1):

* ``SOURCE heuristic`` and ``SOURCE candidates``: the first source alone, with each method;
* ``vote of SOURCES``: every source projected with candidates, merged by :func:`xner.project.multisource.vote`
  (equal weights, at least half the sources).

Strength 0 (the target untouched) is run once and is every axis's first point. Outputs: ``results.csv``,
``results.md`` (F1 per axis and strength, and what the vote recovers), ``summary.json`` and ``typology.png``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from xner import backends, formats
from xner.align.base import Aligner
from xner.corpus import Sentence
from xner.errors import InputError
from xner.evaluate import evaluate
from xner.experiment import defaults
from xner.experiment.typology import AXES, transform
from xner.progress import report
from xner.project import CandidateOptions, project_corpus
from xner.project.links import align_links
from xner.project.multisource import project_multisource

STEP = "typology cells"
"""The progress step (one report per transformed target)."""


@dataclass(frozen=True)
class Cell:
    """One setting's score on one transformed target."""

    axis: str
    strength: float
    setting: str
    precision: float
    recall: float
    f1: float
    words_per_sentence: float


def read_side(data: Path, lang: str, sentences: int | None) -> list[Sentence]:
    """One side of Europarl-NER (``<data>/<lang>-europarl.test.conll02``), the first ``sentences`` of it."""
    path = data / f"{lang}-europarl.test.conll02"
    if not path.is_file():
        raise InputError(f"Europarl-NER side {lang!r} not found in the --data folder (expected {path.name})")
    side = list(formats.read(path, "conll"))
    return side[:sentences] if sentences else side


def settings(sources: Sequence[str]) -> list[str]:
    """The setting names, in the order they are reported."""
    first = sources[0]
    return [f"{first} heuristic", f"{first} candidates", f"vote of {'+'.join(sources)}"]


def score_target(
    axis: str, strength: float, gold: list[Sentence], sides: dict[str, list[Sentence]], aligner: Aligner
) -> list[Cell]:
    """Every setting on one transformed target ``gold``."""
    bare = [replace(s, spans=[], tags=None) for s in gold]
    target_words = [s.tokens for s in gold]
    links = {lang: align_links(aligner, [s.tokens for s in side], target_words) for lang, side in sides.items()}
    names = settings(list(sides))
    first = next(iter(sides))
    predictions = [
        project_corpus(sides[first], bare, links[first], method="heuristic").sentences,
        project_corpus(sides[first], bare, links[first], method="candidates", options=CandidateOptions()).sentences,
        project_multisource(list(sides.values()), bare, [links[lang] for lang in sides], method="candidates").sentences,
    ]
    words = sum(len(s.tokens) for s in gold) / max(len(gold), 1)
    cells = []
    for name, predicted in zip(names, predictions, strict=True):
        overall = evaluate(gold, [replace(s, tags=None) for s in predicted]).overall
        cells.append(Cell(axis, strength, name, overall.precision, overall.recall, overall.f1, words))
    return cells


def run_typology(
    data: Path,
    out: Path,
    *,
    target: str = defaults.TYPOLOGY_TARGET,
    sources: Sequence[str] = defaults.TYPOLOGY_SOURCES,
    strengths: Sequence[float] = defaults.TYPOLOGY_STRENGTHS,
    axes: Sequence[str] = AXES,
    sentences: int | None = None,
    aligner: str | None = None,
    seed: int = 0,
) -> list[Path]:
    """Run the experiment (see the module doc); return the files written under ``out``."""
    if not sources:
        raise InputError("the typology experiment needs at least one source side")
    if target in sources:
        raise InputError(f"the target side {target!r} cannot also be a source")
    for axis in axes:
        if axis not in AXES:
            raise InputError(f"unknown typology axis {axis!r}; use one of {', '.join(AXES)}")
    if any(not 0.0 <= s <= 1.0 for s in strengths):
        raise InputError(f"typology strengths must be between 0 and 1, got {', '.join(f'{s:g}' for s in strengths)}")
    levels = sorted({float(s) for s in strengths if s > 0})
    sides = {lang: read_side(data, lang, sentences) for lang in sources}
    gold = read_side(data, target, sentences)
    if any(len(side) != len(gold) for side in sides.values()):
        raise InputError("the Europarl-NER sides have different numbers of sentences")
    aligner_backend = backends.load("aligner", aligner)
    total = 1 + len(axes) * len(levels)
    report(STEP, 0, total)
    untouched = score_target("none", 0.0, gold, sides, aligner_backend)
    report(STEP, 1, total)
    cells: list[Cell] = []
    done = 1
    for axis in axes:
        cells += [replace(c, axis=axis) for c in untouched]
        for strength in levels:
            cells += score_target(axis, strength, transform(gold, axis, strength, seed=seed), sides, aligner_backend)
            done += 1
            report(STEP, done, total)
    out.mkdir(parents=True, exist_ok=True)
    files = [out / "results.csv", out / "results.md", out / "summary.json", out / "typology.png"]
    _write_csv(files[0], cells)
    _write_markdown(files[1], cells, target, list(sources), aligner or "the default aligner", len(gold), seed)
    summary = {"target": target, "sources": list(sources), "seed": seed, "cells": [asdict(c) for c in cells]}
    files[2].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    _plot(files[3], cells, list(axes), settings(list(sources)), target)
    return files


def _write_csv(path: Path, cells: Sequence[Cell]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(Cell.__dataclass_fields__))
        writer.writeheader()
        for cell in cells:
            writer.writerow(asdict(cell))


def _write_markdown(
    path: Path, cells: Sequence[Cell], target: str, sources: list[str], aligner: str, n: int, seed: int
) -> None:
    names = settings(sources)
    single, vote = names[1], names[2]
    lines = [
        f"# Controlled typology experiment: Europarl-NER, target `{target}` transformed",
        "",
        f"{n} sentences; sources {', '.join(sources)} (gold) aligned with {aligner} to the transformed `{target}` "
        f"side and projected; F1 ×100 against the transformed `{target}` gold; seed {seed}. Strength 0 is the "
        "untouched target. *Vote gain* is the vote's F1 minus the first source's candidates F1.",
        "",
        "| axis | strength | words/sentence | " + " | ".join(names) + " | vote gain |",
        "|---|---:|---:|" + "---:|" * len(names) + "---:|",
    ]
    by_key = {(c.axis, c.strength, c.setting): c for c in cells}
    for axis, strength in dict.fromkeys((c.axis, c.strength) for c in cells):
        row = [by_key[(axis, strength, name)] for name in names]
        gain = by_key[(axis, strength, vote)].f1 - by_key[(axis, strength, single)].f1
        lines.append(
            f"| {axis} | {strength:g} | {row[0].words_per_sentence:.1f} | "
            + " | ".join(f"{100 * c.f1:.1f}" for c in row)
            + f" | {100 * gain:+.1f} |"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _plot(path: Path, cells: Sequence[Cell], axes: list[str], names: list[str], target: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, panels = plt.subplots(1, len(axes), figsize=(4.0 * len(axes), 4.0), sharey=True, squeeze=False)
    for panel, axis in zip(panels[0], axes, strict=True):
        for name in names:
            points = sorted((c.strength, 100 * c.f1) for c in cells if c.axis == axis and c.setting == name)
            panel.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name)
        panel.set_title(axis)
        panel.set_xlabel("strength")
        panel.grid(alpha=0.3)
    panels[0][0].set_ylabel(f"F1 on the transformed {target} (×100)")
    panels[0][-1].legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=defaults.PNG_DPI)
    plt.close(figure)
