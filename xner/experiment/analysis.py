"""The research question in numbers: how F1 falls with typological distance, per configuration.

For every series (a data set's pipeline / method / aligner across target languages):

* the Pearson and Spearman correlation of F1 with the distance of each target from the source (scipy), and the
  least-squares line ``f1 = intercept + slope * distance``;
* the mean F1 of the *related* targets (distance at most the threshold) and of the *distant* ones, and the gap
  ``related - distant`` (positive: F1 degrades with distance);
* against model transfer on the same data set: the mean of ``F1(series) - F1(model transfer)`` over shared
  languages, and on how many of them the series wins.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

from xner.experiment import defaults
from xner.experiment.results import Row

RHO_TOLERANCE = 1e-12
"""Permutations whose |rho| is within this of the observed one count as at least as extreme."""


@dataclass(frozen=True)
class Correlation:
    """Correlation of F1 with distance over ``n`` languages."""

    n: int
    pearson_r: float | None
    pearson_p: float | None
    spearman_rho: float | None
    spearman_p: float | None
    slope: float
    intercept: float


@dataclass(frozen=True)
class GroupGap:
    """Mean F1 of related and distant targets, and their difference."""

    threshold: float
    related: list[str]
    distant: list[str]
    related_f1: float | None
    distant_f1: float | None

    @property
    def gap(self) -> float | None:
        if self.related_f1 is None or self.distant_f1 is None:
            return None
        return self.related_f1 - self.distant_f1


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def exact_spearman_p(distances: Sequence[float], f1: Sequence[float]) -> float:
    """Two-sided p-value of Spearman's rho by enumerating every permutation (exact; for small samples, where
    scipy's t approximation says p = 0 for a perfect rank correlation)."""
    observed = abs(float(stats.spearmanr(distances, f1).statistic))
    ranks = stats.rankdata(f1)
    x = stats.rankdata(distances)
    count = total = 0
    for permutation in itertools.permutations(ranks):
        total += 1
        rho = abs(float(np.corrcoef(x, permutation)[0, 1]))
        count += rho >= observed - RHO_TOLERANCE
    return count / total


def correlate(distances: Sequence[float], f1: Sequence[float]) -> Correlation | None:
    """Correlation and fitted line, or ``None`` with too few points or no spread in either variable."""
    n = len(distances)
    if n < defaults.MIN_POINTS_FOR_CORRELATION or len(set(distances)) < 2 or len(set(f1)) < 2:
        return None
    pearson = stats.pearsonr(distances, f1)
    spearman = stats.spearmanr(distances, f1)
    spearman_p = exact_spearman_p(distances, f1) if n <= defaults.EXACT_SPEARMAN_MAX_N else float(spearman.pvalue)
    line = stats.linregress(distances, f1)
    return Correlation(
        n=n,
        pearson_r=_finite(float(pearson.statistic)),
        pearson_p=_finite(float(pearson.pvalue)),
        spearman_rho=_finite(float(spearman.statistic)),
        spearman_p=_finite(spearman_p),
        slope=float(line.slope),
        intercept=float(line.intercept),
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def group_gap(points: Sequence[tuple[str, float, float]], threshold: float) -> GroupGap:
    """Split ``(lang, distance, f1)`` points at ``threshold`` (related: distance <= threshold)."""
    related = [(lang, f1) for lang, distance, f1 in points if distance <= threshold]
    distant = [(lang, f1) for lang, distance, f1 in points if distance > threshold]
    return GroupGap(
        threshold=threshold,
        related=[lang for lang, _ in related],
        distant=[lang for lang, _ in distant],
        related_f1=_mean([f1 for _, f1 in related]),
        distant_f1=_mean([f1 for _, f1 in distant]),
    )


@dataclass
class SeriesSummary:
    """Everything the analysis says about one series."""

    dataset: str
    series: str
    pipeline: str
    languages: int
    mean_f1: float | None
    correlation: Correlation | None
    groups: GroupGap
    vs_model_transfer: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["groups"]["gap"] = self.groups.gap
        return data


def _versus(rows: Sequence[Row], baseline: dict[str, float]) -> dict[str, Any] | None:
    shared = [(row.lang, row.f1 - baseline[row.lang]) for row in rows if row.f1 is not None and row.lang in baseline]
    if not shared:
        return None
    return {
        "languages": len(shared),
        "mean_delta_f1": sum(delta for _, delta in shared) / len(shared),
        "wins": sum(delta > 0 for _, delta in shared),
    }


def summarise(rows: Sequence[Row], threshold: float) -> list[SeriesSummary]:
    """One summary per (data set, series) with at least one scored row."""
    by_series: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        if row.ok:
            by_series[(row.dataset, row.series)].append(row)
    transfer = {
        dataset: {r.lang: r.f1 for r in series_rows if r.f1 is not None}
        for (dataset, series), series_rows in by_series.items()
        if series == "model-transfer"
    }
    summaries: list[SeriesSummary] = []
    for (dataset, series), series_rows in by_series.items():
        points = [(r.lang, r.distance, r.f1) for r in series_rows if r.distance is not None and r.f1 is not None]
        baseline = transfer.get(dataset)
        summaries.append(
            SeriesSummary(
                dataset=dataset,
                series=series,
                pipeline=series_rows[0].pipeline,
                languages=len(series_rows),
                mean_f1=_mean([r.f1 for r in series_rows if r.f1 is not None]),
                correlation=correlate([p[1] for p in points], [p[2] for p in points]),
                groups=group_gap(points, threshold),
                vs_model_transfer=None
                if series == "model-transfer" or baseline is None
                else _versus(series_rows, baseline),
            )
        )
    return summaries


def best_per_pipeline(summaries: Sequence[SeriesSummary]) -> dict[tuple[str, str], SeriesSummary]:
    """The series with the highest mean F1 for each (data set, pipeline)."""
    best: dict[tuple[str, str], SeriesSummary] = {}
    for summary in summaries:
        key = (summary.dataset, summary.pipeline)
        current = best.get(key)
        if summary.mean_f1 is not None and (current is None or (current.mean_f1 or 0.0) < summary.mean_f1):
            best[key] = summary
    return best
