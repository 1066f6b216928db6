"""``results.md`` (tables and the answer to the research question) and ``summary.json``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from xner.experiment import defaults
from xner.experiment.analysis import PooledSummary, SeriesSummary, best_per_pipeline
from xner.experiment.config import ExperimentConfig
from xner.experiment.results import Row, entity_types


def pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def num(value: float | None, digits: int = 2) -> str:
    return "" if value is None or value != value else f"{value:.{digits}f}"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def results_table(rows: Sequence[Row], with_reference: bool) -> list[str]:
    """The per-cell table (F1 ×100), with the paper's column when asked for."""
    types = entity_types(rows)
    header = ["dataset", "lang", "distance", "pipeline", "method", "aligner", "P", "R", "F1", "support"]
    header += [f"F1 {t}" for t in types]
    if with_reference:
        header += ["paper F1", "paper aligner", "Δ vs paper", f"within ±{defaults.PAPER_TOLERANCE:g}"]
    body = []
    for row in rows:
        if not row.ok:
            continue
        cells = [row.dataset, row.lang, num(row.distance, 3), row.pipeline, row.method, row.aligner]
        cells += [pct(row.precision), pct(row.recall), pct(row.f1), "" if row.support is None else str(row.support)]
        cells += [pct(row.per_type.get(t)) for t in types]
        if with_reference:
            cells += [pct(row.paper_f1), row.paper_aligner or "", *paper_verdict(row)]
        body.append(cells)
    return markdown_table(header, body)


def paper_verdict(row: Row) -> tuple[str, str]:
    """Our F1 minus the paper's for the same cell (points, to one decimal), and whether it is within
    :data:`~xner.experiment.defaults.PAPER_TOLERANCE` (``yes``; ``above`` or ``below`` otherwise); blank where the
    paper has no such cell."""
    if row.paper_f1 is None or row.f1 is None:
        return "", ""
    delta = round(100 * (row.f1 - row.paper_f1), 1)  # the verdict agrees with the difference shown
    if abs(delta) <= defaults.PAPER_TOLERANCE:
        return f"{delta:+.1f}", "yes"
    return f"{delta:+.1f}", "above" if delta > 0 else "below"


def slope_text(slope: float | None, interval: tuple[float, float] | None) -> str:
    """A slope as F1 points per :data:`~xner.experiment.defaults.SLOPE_STEP` of distance, with its interval."""
    if slope is None:
        return ""
    step = 100 * defaults.SLOPE_STEP
    text = f"{slope * step:+.1f}"
    if interval is not None:
        text += f" ({interval[0] * step:+.1f} to {interval[1] * step:+.1f})"
    return text


def analysis_table(summaries: Sequence[SeriesSummary]) -> list[str]:
    """Correlation, related/distant gap and comparison with model transfer, one line per series."""
    header = [
        "dataset",
        "series",
        "langs",
        "mean F1",
        "Pearson r (p)",
        "Spearman ρ (p)",
        f"slope per {defaults.SLOPE_STEP} ({defaults.CONFIDENCE_LEVEL:.0%} CI)",
        "related F1",
        "distant F1",
        "gap",
        "Δ vs model transfer (wins)",
    ]
    body = []
    for s in summaries:
        c = s.correlation
        versus = s.vs_model_transfer
        body.append(
            [
                s.dataset,
                s.series,
                str(s.languages),
                pct(s.mean_f1),
                "" if c is None else f"{num(c.pearson_r)} ({num(c.pearson_p, 3)})",
                "" if c is None else f"{num(c.spearman_rho)} ({num(c.spearman_p, 3)})",
                "" if c is None else slope_text(c.slope, c.slope_ci),
                pct(s.groups.related_f1),
                pct(s.groups.distant_f1),
                pct(s.groups.gap),
                "" if versus is None else f"{pct(versus['mean_delta_f1'])} ({versus['wins']}/{versus['languages']})",
            ]
        )
    return markdown_table(header, body)


def answer(summaries: Sequence[SeriesSummary], threshold: float) -> list[str]:
    """Plain sentences: for the best configuration of each pipeline, how much F1 falls from related to distant."""
    lines = []
    for (dataset, pipeline), s in sorted(best_per_pipeline(summaries).items()):
        groups = s.groups
        head = f"- **{dataset}, {s.series}** (best {pipeline} configuration, mean F1 {pct(s.mean_f1)}): "
        if groups.gap is None:
            missing = "distant" if groups.related else "related"
            lines.append(head + f"no {missing} target at threshold {threshold}, so no gap can be measured.")
            continue
        text = (
            f"F1 {pct(groups.related_f1)} on related targets ({', '.join(groups.related)}) vs "
            f"{pct(groups.distant_f1)} on distant ones ({', '.join(groups.distant)}): a gap of "
            f"{pct(groups.gap)} points"
        )
        if s.correlation is not None:
            text += f"; Pearson r = {num(s.correlation.pearson_r)}, Spearman ρ = {num(s.correlation.spearman_rho)}"
        if s.vs_model_transfer is not None:
            versus = s.vs_model_transfer
            text += (
                f"; {pct(versus['mean_delta_f1'])} points vs model transfer "
                f"(better on {versus['wins']} of {versus['languages']})"
            )
        lines.append(head + text + ".")
    return lines or ["- no scored configuration has a distance for its targets."]


def failures(rows: Sequence[Row]) -> list[str]:
    """One line per data set, language, pipeline and reason, naming the configurations it hit."""
    grouped: dict[tuple[str, str, str, str], list[str]] = {}
    for row in rows:
        grouped.setdefault((row.dataset, row.lang, row.pipeline, row.note), []).append(row.series)
    lines = []
    for (dataset, lang, pipeline, note), series in grouped.items():
        lines.append(f"- {dataset} {lang} {pipeline} ({len(series)} configuration{'s' * (len(series) > 1)}): {note}")
    return lines


def threshold_rule(config: ExperimentConfig, threshold: float) -> str:
    """How the related/distant threshold was set, in words."""
    if config.related_threshold == "median":
        return f"{threshold:.3f}, the median distance of the scored targets"
    return f"{threshold:g}, as configured"


def pooled_table(summaries: Sequence[PooledSummary], label: Callable[[str], str] = str) -> list[str]:
    """One line per configuration pooled across data sets: the within-data-set slope, its p-value and interval, and
    the related/distant gaps (raw, and on F1 minus each data set's mean)."""
    header = [
        "configuration",
        "data sets",
        "targets",
        f"slope per {defaults.SLOPE_STEP} ({defaults.CONFIDENCE_LEVEL:.0%} CI)",
        "p",
        "related F1",
        "distant F1",
        "gap",
        "gap within data sets",
    ]
    body = [
        [
            label(s.series),
            ", ".join(s.datasets),
            str(s.points),
            slope_text(s.slope, s.slope_ci),
            num(s.slope_p, 4),
            pct(s.groups.related_f1),
            pct(s.groups.distant_f1),
            pct(s.groups.gap),
            pct(s.within_gap),
        ]
        for s in summaries
    ]
    return markdown_table(header, body)


def write_markdown(
    path: Path,
    config: ExperimentConfig,
    rows: Sequence[Row],
    summaries: Sequence[SeriesSummary],
    pooled_summaries: Sequence[PooledSummary],
    distance_origin: str,
    threshold: float,
) -> None:
    """Write ``results.md``."""
    failed = [row for row in rows if not row.ok]
    lines = [
        f"# Experiment: {config.name}",
        "",
        f"Source language `{config.source}`; translator `{config.translator}`; tagger `{config.tagger}`; "
        f"labels {', '.join(config.labels) if config.labels else 'all'}; "
        f"max sentences {config.max_sentences or 'all'}. Scores ×100.",
        "",
        "## Results",
        "",
        *results_table(rows, config.reference is not None),
        "",
        "## How much does projection degrade on typologically distant targets?",
        "",
        f"Distance: URIEL-style `{config.distance}` distance from the source ({distance_origin}); a target is "
        f"*related* at distance ≤ {threshold_rule(config, threshold)}, *distant* above. The gap is related F1 "
        "minus distant F1; Δ vs model transfer is the mean F1 difference on the same languages; slopes are F1 "
        f"points per {defaults.SLOPE_STEP} of distance with {defaults.CONFIDENCE_LEVEL:.0%} bootstrap intervals.",
        "",
        *answer(summaries, threshold),
        "",
        *analysis_table(summaries),
        "",
        "### Pooled across data sets (each data set its own intercept, one slope)",
        "",
        *pooled_table(pooled_summaries),
    ]
    if failed:
        lines += ["", "## Cells without scores", ""]
        lines += failures(failed)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_summary(
    path: Path,
    config: ExperimentConfig,
    summaries: Sequence[SeriesSummary],
    pooled_summaries: Sequence[PooledSummary],
    threshold: float,
    extra: dict[str, Any],
) -> None:
    """Write ``summary.json``: the configuration's analysis settings, every series' summary and the pooled ones."""
    data = {
        "name": config.name,
        "source": config.source,
        "distance": config.distance,
        "related_threshold": threshold,
        "related_threshold_rule": threshold_rule(config, threshold),
        **extra,
        "series": [s.to_dict() for s in summaries],
        "pooled": [s.to_dict() for s in pooled_summaries],
        "best_per_pipeline": {
            f"{dataset} {pipeline}": s.series for (dataset, pipeline), s in best_per_pipeline(summaries).items()
        },
    }
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=_json_default) + "\n", encoding="utf-8"
    )


def _json_default(value: object) -> object:
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
