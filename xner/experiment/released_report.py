"""``results.md`` and ``summary.json`` of the released-results analysis (:mod:`xner.experiment.released`)."""

from __future__ import annotations

import json
from pathlib import Path

from xner.experiment import defaults
from xner.experiment.analysis import PooledSummary
from xner.experiment.released import ReleasedAnalysis
from xner.experiment.report import analysis_table, markdown_table, num, pct, pooled_table, results_table, slope_text

LABELS = {
    "model_transfer": "model transfer",
    "heuristic": "projection, heuristic",
    "candidates-ngram": "projection, n-gram candidates",
    "candidates-ner": "projection, NER candidates",
}
"""How each released setting is named in the text."""


def _label(setting: str) -> str:
    return LABELS.get(setting, setting)


def _interval(summary: PooledSummary) -> str:
    return slope_text(summary.slope, summary.slope_ci)


def kinds_table(analysis: ReleasedAnalysis) -> list[str]:
    """The pooled slope of every setting under every distance kind."""
    settings = [s.series for s in analysis.pooled]
    header = ["distance", *(_label(s) for s in settings)]
    body = []
    for kind, summaries in analysis.by_kind.items():
        by_setting = {s.series: s for s in summaries}
        body.append([kind, *(_interval(by_setting[s]) if s in by_setting else "" for s in settings)])
    return markdown_table(header, body)


def answer(analysis: ReleasedAnalysis) -> list[str]:
    """The answer to the research question, in sentences computed from the numbers."""
    step = defaults.SLOPE_STEP
    lines = []
    for s in analysis.pooled:
        if s.slope is None:
            lines.append(f"- **{_label(s.series)}**: the distances of its targets do not vary; no slope.")
            continue
        direction = "falls" if s.slope < 0 else "rises"
        text = (
            f"- **{_label(s.series)}**: F1 {direction} by {abs(s.slope) * 100 * step:.1f} points per {step} of "
            f"{analysis.kind} distance within a data set"
        )
        if s.slope_ci is not None:
            low, high = (x * 100 * step for x in s.slope_ci)
            text += f" ({defaults.CONFIDENCE_LEVEL:.0%} CI {low:+.1f} to {high:+.1f}"
            text += f", p = {num(s.slope_p, 4)})" if s.slope_p is not None else ")"
        text += f", over {s.points} targets in {len(s.datasets)} data sets"
        if s.within_gap is not None:
            text += (
                f"; distant targets (above the median distance {analysis.threshold:.3f}) score "
                f"{abs(s.within_gap) * 100:.1f} points {'below' if s.within_gap > 0 else 'above'} related ones "
                "once each data set's mean is removed"
            )
        else:
            side = "above" if s.groups.related else "at or below"
            text += (
                f"; no target lies {side} the median distance {analysis.threshold:.3f} (too many targets share one "
                "distance), so there is no related/distant gap; the slope is the measure"
            )
        lines.append(text + ".")
    sloped = [s for s in analysis.pooled if s.slope is not None]
    if len(sloped) > 1:
        least = max(sloped, key=lambda s: s.slope or 0.0)
        most = min(sloped, key=lambda s: s.slope or 0.0)
        lines.append(
            f"- Degrades least with distance: **{_label(least.series)}** ({_interval(least)} per {step}); most: "
            f"**{_label(most.series)}** ({_interval(most)})."
        )
    versus = []
    for dataset in sorted({s.dataset for s in analysis.summaries}):
        compared = [s for s in analysis.summaries if s.dataset == dataset and s.vs_model_transfer is not None]
        if compared:
            best = max(compared, key=lambda s: (s.vs_model_transfer or {})["mean_delta_f1"])
            delta = best.vs_model_transfer or {}
            versus.append(
                f"{dataset} {pct(delta['mean_delta_f1'])} points with {best.series} "
                f"(better on {delta['wins']} of {delta['languages']} targets)"
            )
    if versus:
        lines.append(
            "- Projection against model transfer, the best projection setting of each data set (mean F1 "
            "difference on the same targets): " + "; ".join(versus) + "."
        )
    rising = [
        f"{s.dataset} {s.series} ({slope_text(s.correlation.slope, s.correlation.slope_ci)})"
        for s in analysis.summaries
        if s.correlation is not None and s.correlation.slope > 0 and s.correlation.slope_ci is not None
    ]
    if rising:
        lines.append(
            "- Within single data sets the sign is not the same everywhere: F1 *rises* with distance for "
            + "; ".join(rising)
            + f" (data sets of at least {defaults.MIN_POINTS_FOR_INTERVAL} targets). The pooled analysis compares "
            "targets within each data set and weighs every data set by its targets."
        )
    return lines


def write_released_markdown(path: Path, analysis: ReleasedAnalysis, origin: str) -> None:
    """Write ``results.md`` for the released results."""
    lines = [
        "# The seed paper's released results, analysed",
        "",
        "F1 ×100 of the seed paper (arXiv 2501.18750), best over its two neural aligners per data set, language and "
        f"setting (the bundled reference); distance: URIEL `{analysis.kind}` distance from English ({origin}). "
        f"Related targets are those at or below the median distance of all targets ({analysis.threshold:.3f}), "
        f"distant ones above it. Slopes are F1 points per {defaults.SLOPE_STEP} of distance, with "
        f"{defaults.CONFIDENCE_LEVEL:.0%} percentile-bootstrap intervals ({defaults.BOOTSTRAP_RESAMPLES} resamples "
        "of the languages).",
        "",
        "## How far does cross-lingual NER degrade on distant targets?",
        "",
        *answer(analysis),
        "",
        "## Pooled across data sets (each data set its own intercept, one slope)",
        "",
        *pooled_table(analysis.pooled, _label),
        "",
        "## The pooled slope under each distance kind",
        "",
        *kinds_table(analysis),
        "",
        "## Per data set",
        "",
        *analysis_table(analysis.summaries),
        "",
        "## The released cells",
        "",
        *results_table(analysis.rows, with_reference=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_released_summary(path: Path, analysis: ReleasedAnalysis, origin: str) -> None:
    """Write ``summary.json``: the settings of the analysis and every summary."""
    data = {
        "name": "released results of arXiv 2501.18750",
        "distance": analysis.kind,
        "distance_table": origin,
        "related_threshold": analysis.threshold,
        "related_threshold_rule": "median distance of the targets",
        "pooled": [s.to_dict() for s in analysis.pooled],
        "pooled_by_distance": {kind: [s.to_dict() for s in pooled] for kind, pooled in analysis.by_kind.items()},
        "series": [s.to_dict() for s in analysis.summaries],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
