"""The research question in numbers: how F1 falls with typological distance, per configuration.

For every series (a data set's pipeline / method / aligner across target languages):

* the Pearson and Spearman correlation of F1 with the distance of each target from the source (scipy), and the
  least-squares line ``f1 = intercept + slope * distance``;
* a percentile-bootstrap confidence interval of that slope, resampling the languages (:func:`slope_interval`);
* the mean F1 of the *related* targets (distance at most the threshold) and of the *distant* ones, and the gap
  ``related - distant`` (positive: F1 degrades with distance);
* against model transfer on the same data set: the mean of ``F1(series) - F1(model transfer)`` over shared
  languages, and on how many of them the series wins.

Across data sets (:func:`pooled`), every configuration's points are pooled into one regression of F1 on distance
with the data set as a factor (each data set its own intercept, one slope: the within-data-set slope), with its
p-value and bootstrap interval (languages resampled within each data set), and the gap between related and
distant targets measured on F1 minus its data set's mean, so a data set that is both easier and closer cannot
make the gap. :func:`median_threshold` is the split used where none is configured: the median distance of the
pooled targets, so neither group can be empty unless every target has one distance.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
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
    slope_ci: tuple[float, float] | None = None


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
    interval = slope_interval(distances, f1)
    return Correlation(
        n=n,
        pearson_r=_finite(float(pearson.statistic)),
        pearson_p=_finite(float(pearson.pvalue)),
        spearman_rho=_finite(float(spearman.statistic)),
        spearman_p=_finite(spearman_p),
        slope=float(line.slope),
        intercept=float(line.intercept),
        slope_ci=interval,
    )


def _centred(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``values`` (along their last axis, labelled by ``groups``) minus the mean of their group."""
    centred = values.astype(float).copy()
    for group in np.unique(groups):
        columns = groups == group
        centred[..., columns] -= centred[..., columns].mean(axis=-1, keepdims=True)
    return centred


def _within_slopes(distances: np.ndarray, f1: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The least-squares slope of each row of ``f1`` on the same row of ``distances`` with one intercept per group
    (``groups`` labels the columns); NaN where the distances do not vary within any group."""
    d_centred, f_centred = _centred(distances, groups), _centred(f1, groups)
    spread = (d_centred * d_centred).sum(axis=-1)
    varies = spread > defaults.SPREAD_TOLERANCE * (distances * distances).sum(axis=-1)  # not just rounding of the means
    with np.errstate(invalid="ignore", divide="ignore"):
        slopes: np.ndarray = np.where(varies, (d_centred * f_centred).sum(axis=-1) / spread, np.nan)
    return slopes


def slope_interval(
    distances: Sequence[float],
    f1: Sequence[float],
    groups: Sequence[str] | None = None,
    *,
    resamples: int = defaults.BOOTSTRAP_RESAMPLES,
    level: float = defaults.CONFIDENCE_LEVEL,
    seed: int = defaults.BOOTSTRAP_SEED,
) -> tuple[float, float] | None:
    """Percentile-bootstrap interval of the slope of F1 on distance: the languages are drawn with replacement (within
    each of ``groups`` when given, whose slope is then the within-group one), resamples whose distances do not vary
    are left out. ``None`` below :data:`~xner.experiment.defaults.MIN_POINTS_FOR_INTERVAL` points or when no
    resample has a slope."""
    d, f = np.asarray(distances, dtype=float), np.asarray(f1, dtype=float)
    labels = np.zeros(len(d), dtype=int) if groups is None else np.unique(np.asarray(groups), return_inverse=True)[1]
    if len(d) < defaults.MIN_POINTS_FOR_INTERVAL:
        return None
    rng = np.random.default_rng(seed)
    picks = np.empty((resamples, len(d)), dtype=np.int64)
    for group in np.unique(labels):
        members = np.flatnonzero(labels == group)
        picks[:, members] = members[rng.integers(0, len(members), size=(resamples, len(members)))]
    slopes = _within_slopes(d[picks], f[picks], labels)
    slopes = slopes[np.isfinite(slopes)]
    if not slopes.size:
        return None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(slopes, [tail, 100 - tail])
    return float(low), float(high)


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


def median_threshold(rows: Sequence[Row]) -> float | None:
    """The median distance of the targets (each data set and language once), or ``None`` when none has one."""
    distances = {(r.dataset, r.lang): r.distance for r in rows if r.distance is not None}
    return float(np.median(list(distances.values()))) if distances else None


@dataclass
class PooledSummary:
    """One configuration pooled across data sets: F1 = intercept(data set) + slope x distance."""

    series: str
    datasets: list[str]
    points: int
    slope: float | None
    slope_p: float | None
    slope_ci: tuple[float, float] | None
    groups: GroupGap
    within_gap: float | None
    """Related minus distant, on F1 minus its data set's mean."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["groups"]["gap"] = self.groups.gap
        return data


def _slope_p(distances: np.ndarray, f1: np.ndarray, labels: np.ndarray, slope: float) -> float | None:
    """Two-sided p-value of the within-group slope (t test; residual degrees of freedom: points - groups - 1)."""
    d_centred, f_centred = _centred(distances, labels), _centred(f1, labels)
    freedom = len(d_centred) - len(np.unique(labels)) - 1
    if freedom < 1:
        return None
    residual = f_centred - slope * d_centred
    error = math.sqrt(float(residual @ residual) / freedom / float(d_centred @ d_centred))
    if error == 0:
        return None
    return float(2 * stats.t.sf(abs(slope) / error, freedom))


def pooled(
    rows: Sequence[Row], threshold: float, key: Callable[[Row], str] = lambda row: row.series
) -> list[PooledSummary]:
    """One :class:`PooledSummary` per configuration (``key`` of a row; its series by default) over every data set
    it was scored on."""
    by_key: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.ok and row.f1 is not None and row.distance is not None:
            by_key[key(row)].append(row)
    summaries = []
    for name, points in by_key.items():
        d = np.array([r.distance for r in points], dtype=float)
        f = np.array([r.f1 for r in points], dtype=float)
        names = [r.dataset for r in points]
        labels = np.unique(np.asarray(names), return_inverse=True)[1]
        slope_value = float(_within_slopes(d, f, labels))
        slope = slope_value if math.isfinite(slope_value) else None
        centred = _centred(f, labels)
        related, distant = centred[d <= threshold], centred[d > threshold]
        summaries.append(
            PooledSummary(
                series=name,
                datasets=sorted(set(names)),
                points=len(points),
                slope=slope,
                slope_p=None if slope is None else _slope_p(d, f, labels, slope),
                slope_ci=slope_interval(d.tolist(), f.tolist(), names) if slope is not None else None,
                groups=group_gap([(r.lang, r.distance or 0.0, r.f1 or 0.0) for r in points], threshold),
                within_gap=float(related.mean() - distant.mean()) if related.size and distant.size else None,
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
