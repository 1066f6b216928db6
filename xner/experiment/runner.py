"""Run a configured experiment end to end: the grid (cached steps), then CSV, markdown, JSON and plots."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from xner.experiment import defaults
from xner.experiment.analysis import SeriesSummary, median_threshold, pooled, summarise
from xner.experiment.backends import Backends
from xner.experiment.cache import StepCache
from xner.experiment.config import ExperimentConfig
from xner.experiment.distances import load_distances
from xner.experiment.grid import Advance, LanguageRun, total_cells
from xner.experiment.plots import plot_dataset
from xner.experiment.reference import PaperReference
from xner.experiment.report import write_markdown, write_summary
from xner.experiment.results import Row, write_csv
from xner.experiment.steps import Steps

RESULTS_CSV = "results.csv"
RESULTS_MD = "results.md"
SUMMARY_JSON = "summary.json"


@dataclass
class ExperimentRun:
    """What a run produced: rows, summaries, files written, and how the cache did."""

    config: ExperimentConfig
    rows: list[Row]
    summaries: list[SeriesSummary]
    files: list[Path] = field(default_factory=list)
    cache_hits: int = 0
    cache_misses: int = 0


def _no_progress(_: str) -> None:
    return None


def related_threshold(config: ExperimentConfig, rows: list[Row]) -> float:
    """The configured threshold, or with ``median`` the median distance of the scored targets
    (:data:`~xner.experiment.defaults.FALLBACK_THRESHOLD` when none has a distance)."""
    if config.related_threshold != "median":
        return config.related_threshold
    median = median_threshold([row for row in rows if row.ok])
    return defaults.FALLBACK_THRESHOLD if median is None else median


def run_experiment(
    config: ExperimentConfig,
    out_dir: str | Path,
    *,
    resume: bool = True,
    backends: Backends | None = None,
    advance: Advance = _no_progress,
    on_start: Callable[[int], None] | None = None,
) -> ExperimentRun:
    """Run the grid of ``config``, writing every output under ``out_dir``.

    ``advance`` is called after each cell, ``on_start`` once with the number of cells (for a progress bar).
    Steps are cached under ``out_dir/cache``; with ``resume=False`` they are all recomputed.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cache = StepCache(out / defaults.CACHE_DIR, resume=resume)
    steps = Steps(cache, backends or Backends())
    if on_start is not None:
        on_start(total_cells(config))
    table = load_distances(config.source, config.distances)
    reference = PaperReference() if config.reference == "paper" else None
    rows: list[Row] = []
    for dataset in config.datasets:
        for lang in config.targets:
            for row in LanguageRun(config, dataset, lang, steps, advance).rows():
                row.distance = None if table is None else table.distance(lang, config.distance)
                if reference is not None:
                    reference.annotate(row, dataset.layout)
                rows.append(row)
    threshold = related_threshold(config, rows)
    summaries = summarise(rows, threshold)
    pooled_summaries = pooled(rows, threshold)
    origin = "no distance table for this source" if table is None else table.origin
    files = [out / RESULTS_CSV, out / RESULTS_MD, out / SUMMARY_JSON]
    write_csv(rows, files[0])
    write_markdown(files[1], config, rows, summaries, pooled_summaries, origin, threshold)
    extra = {"distance_table": origin, "cells": len(rows)}
    write_summary(files[2], config, summaries, pooled_summaries, threshold, extra)
    for dataset in config.datasets:
        files += plot_dataset(rows, summaries, dataset.name, out, config.distance, threshold)
    return ExperimentRun(config, rows, summaries, files, cache.hits, cache.misses)


def run_released(out_dir: str | Path, kind: str = defaults.DISTANCE) -> list[Path]:
    """Analyse the seed paper's released results (:mod:`xner.experiment.released`) under the ``kind`` distance;
    write results.csv, results.md, summary.json and the plots under ``out_dir``; return the files written."""
    from typing import get_args

    from xner.experiment.config import Distance
    from xner.experiment.distances import DistanceTable
    from xner.experiment.released import analyse_released
    from xner.experiment.released_report import write_released_markdown, write_released_summary

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = DistanceTable.bundled()
    analysis = analyse_released(table, kind, get_args(Distance))
    files = [out / RESULTS_CSV, out / RESULTS_MD, out / SUMMARY_JSON]
    write_csv(analysis.rows, files[0])
    write_released_markdown(files[1], analysis, table.origin)
    write_released_summary(files[2], analysis, table.origin)
    for dataset in sorted({row.dataset for row in analysis.rows}):
        files += plot_dataset(
            analysis.rows, analysis.summaries, dataset, out, kind, analysis.threshold, every_series=True
        )
    return files
