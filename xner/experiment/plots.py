"""PNG plots (matplotlib, Agg backend), one pair per data set.

* ``f1-by-language_<dataset>.png``: grouped bars, F1 per target language (ordered by distance from the source),
  one bar per pipeline, each pipeline at its best configuration (highest mean F1) so the plot stays readable;
  the paper's published F1 for the same cells, where loaded, as black ticks.
* ``f1-vs-distance_<dataset>.png``: F1 against the typological distance, the same series, each with its
  least-squares line; the related/distant threshold as a dashed vertical line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xner.experiment import defaults
from xner.experiment.analysis import SeriesSummary, best_per_pipeline
from xner.experiment.defaults import BAR_GROUP_WIDTH, FIGURE_SIZE, LEGEND_COLUMNS, MARKER_SIZE, X_MARGIN
from xner.experiment.results import Row

MARKERS = ("o", "s", "^", "D", "v", "P")
"""Point shapes of the series in the distance plot, so coinciding points of two series stay visible."""


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def _chosen(summaries: Sequence[SeriesSummary], dataset: str) -> list[SeriesSummary]:
    best = best_per_pipeline(summaries)
    return [s for (d, _), s in sorted(best.items()) if d == dataset]


def _language_order(rows: Sequence[Row]) -> list[str]:
    distance = {r.lang: r.distance for r in rows}
    return sorted(distance, key=lambda lang: (distance[lang] is None, distance[lang] or 0.0, lang))


def _bars(
    axes: Any, chosen: Sequence[SeriesSummary], by_series: dict[str, dict[str, Row]], languages: list[str]
) -> None:
    width = BAR_GROUP_WIDTH / len(chosen)
    for k, summary in enumerate(chosen):
        cells = by_series[summary.series]
        xs = [i + (k - (len(chosen) - 1) / 2) * width for i in range(len(languages))]
        heights = [100 * (cells[lang].f1 or 0.0) if lang in cells else 0.0 for lang in languages]
        axes.bar(xs, heights, width=width * 0.95, label=summary.series)
        paper = [
            (x, 100 * published)
            for x, lang in zip(xs, languages, strict=True)
            if lang in cells and (published := cells[lang].paper_f1) is not None
        ]
        if paper:
            axes.scatter(
                [p[0] for p in paper],
                [p[1] for p in paper],
                marker="_",
                s=200,
                color="black",
                label="paper (published)" if k == 0 else None,
                zorder=3,
            )


def _scatter(axes: Any, chosen: Sequence[SeriesSummary], by_series: dict[str, dict[str, Row]]) -> None:
    for index, summary in enumerate(chosen):
        points = [
            (r.lang, r.distance, 100 * r.f1)
            for r in by_series[summary.series].values()
            if r.distance is not None and r.f1 is not None
        ]
        if not points:
            continue
        xs, ys = [p[1] for p in points], [p[2] for p in points]
        marker = MARKERS[index % len(MARKERS)]
        dots = axes.scatter(xs, ys, label=summary.series, marker=marker, s=MARKER_SIZE, alpha=0.8)
        for lang, x, y in points:
            axes.annotate(lang, (x, y), textcoords="offset points", xytext=(4, 3), fontsize="x-small")
        fit = summary.correlation
        if fit is not None:
            ends = [min(xs), max(xs)]
            label = None if fit.pearson_r is None else f"fit ({summary.pipeline}): r = {fit.pearson_r:.2f}"
            colour = dots.get_facecolor()[0]
            axes.plot(ends, [100 * (fit.intercept + fit.slope * x) for x in ends], color=colour, label=label)


def _save(figure: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    figure.tight_layout()
    figure.savefig(path, dpi=defaults.PNG_DPI)
    plt.close(figure)
    return path


def plot_dataset(
    rows: Sequence[Row],
    summaries: Sequence[SeriesSummary],
    dataset: str,
    out_dir: Path,
    distance_kind: str,
    threshold: float,
    *,
    every_series: bool = False,
) -> list[Path]:
    """Draw both plots for ``dataset``; return the files written (none when nothing was scored). With
    ``every_series`` each series is drawn, not only the best configuration of each pipeline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    chosen = [s for s in summaries if s.dataset == dataset] if every_series else _chosen(summaries, dataset)
    which = "every configuration" if every_series else "best configuration of each pipeline"
    if not chosen:
        return []
    dataset_rows = [r for r in rows if r.dataset == dataset and r.ok]
    languages = _language_order(dataset_rows)
    by_series = {s.series: {r.lang: r for r in dataset_rows if r.series == s.series} for s in chosen}
    distance = {r.lang: r.distance for r in dataset_rows}

    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    _bars(axes, chosen, by_series, languages)
    ticks = [lang if (d := distance[lang]) is None else f"{lang}\n{d:.2f}" for lang in languages]
    axes.set_xticks(range(len(languages)), ticks)
    axes.set_xlabel(f"target language (and its URIEL {distance_kind} distance from the source)")
    axes.set_ylabel("F1 (×100)")
    axes.set_ylim(0, 100)
    axes.set_title(f"{dataset}: F1 per target language, {which}")
    axes.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=LEGEND_COLUMNS)
    axes.grid(axis="y", alpha=0.3)
    written = [_save(figure, out_dir / f"f1-by-language_{_safe(dataset)}.png")]

    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    _scatter(axes, chosen, by_series)
    axes.axvline(threshold, color="grey", linestyle="--", linewidth=1, label=f"related | distant ({threshold:.3g})")
    axes.set_xlabel(f"URIEL {distance_kind} distance of the target from the source")
    axes.set_ylabel("F1 (×100)")
    axes.set_ylim(0, 100)
    axes.set_title(f"{dataset}: F1 vs typological distance, {which}")
    known = [d for d in distance.values() if d is not None]
    axes.set_xlim(0, max([*known, threshold]) * X_MARGIN)
    axes.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=LEGEND_COLUMNS)
    axes.grid(alpha=0.3)
    written.append(_save(figure, out_dir / f"f1-vs-distance_{_safe(dataset)}.png"))
    return written
