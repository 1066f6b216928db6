"""The seed paper's released per-language results, analysed alone: no model, no data, no grid.

The bundled reference (:mod:`xner.experiment.reference`: for each data set, language and setting the best F1 over
the paper's two neural aligners) becomes one :class:`~xner.experiment.results.Row` per cell, with the target's
distance from English, and goes through the same analysis as a grid's rows: per data set (correlation, slope with
its bootstrap interval, related vs distant), pooled across data sets (the data set as a factor), and the pooled
slope for every distance kind of the table. The split between related and distant targets is the median distance
of all the targets (:func:`~xner.experiment.analysis.median_threshold`), reported with the results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xner.errors import InputError
from xner.experiment.analysis import PooledSummary, SeriesSummary, median_threshold, pooled, summarise
from xner.experiment.distances import DistanceTable
from xner.experiment.reference import PIPELINE_OF, PaperReference
from xner.experiment.results import NONE, Row

SETTINGS = ("model_transfer", "heuristic", "candidates-ngram", "candidates-ner")
"""The paper's settings, in the order they are reported."""


def setting_of(row: Row) -> str:
    """The paper's setting a released row stands for (the key the pooled analysis groups by)."""
    return "model_transfer" if row.pipeline == "model-transfer" else row.method


def released_rows(table: DistanceTable, kind: str, reference: PaperReference | None = None) -> list[Row]:
    """One row per released cell (of ``reference``, the bundled one when ``None``); ``distance`` is the target's
    ``kind`` distance (``None`` where the table lacks the language), ``paper_aligner`` the aligner of the best run."""
    rows = []
    for (dataset, lang, setting), (f1, aligner) in sorted((reference or PaperReference()).cells.items()):
        transfer = setting == "model_transfer"
        rows.append(
            Row(
                dataset=dataset,
                lang=lang,
                pipeline="model-transfer" if transfer else PIPELINE_OF[dataset],
                method=NONE if transfer else setting,
                f1=f1,
                distance=table.distance(lang, kind),
                paper_f1=f1,
                paper_aligner=None if aligner == NONE else aligner,
            )
        )
    return rows


@dataclass
class ReleasedAnalysis:
    """The released results and what the analysis says of them."""

    kind: str
    threshold: float
    rows: list[Row]
    summaries: list[SeriesSummary]
    pooled: list[PooledSummary]
    by_kind: dict[str, list[PooledSummary]]
    """The pooled analysis under every distance kind of the table (each with its own median split)."""


def analyse_released(table: DistanceTable, kind: str, kinds: Sequence[str]) -> ReleasedAnalysis:
    """Per data set and pooled, under ``kind``; the pooled slopes under every one of ``kinds`` (``kind`` too)."""
    reference = PaperReference()
    by_kind: dict[str, tuple[list[Row], float, list[PooledSummary]]] = {}
    for each in dict.fromkeys([kind, *kinds]):
        rows = released_rows(table, each, reference)
        threshold = median_threshold(rows)
        if threshold is not None:
            by_kind[each] = (rows, threshold, _ordered(pooled(rows, threshold, key=setting_of)))
    if kind not in by_kind:
        raise InputError(f"the distance table has no {kind!r} distance for any released language")
    rows, threshold, pooled_summaries = by_kind[kind]
    return ReleasedAnalysis(
        kind=kind,
        threshold=threshold,
        rows=rows,
        summaries=summarise(rows, threshold),
        pooled=pooled_summaries,
        by_kind={each: by_kind[each][2] for each in kinds if each in by_kind},
    )


def _ordered(summaries: list[PooledSummary]) -> list[PooledSummary]:
    return sorted(summaries, key=lambda s: SETTINGS.index(s.series) if s.series in SETTINGS else len(SETTINGS))
