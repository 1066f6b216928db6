"""One result row per cell (data set x language x pipeline x method x aligner), and ``results.csv``."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xner.evaluate import Report

NONE = "-"
"""What the method/aligner columns hold where a pipeline has none (model transfer)."""

BASE_COLUMNS = (
    "dataset",
    "lang",
    "pipeline",
    "method",
    "aligner",
    "distance",
    "precision",
    "recall",
    "f1",
    "support",
    "predicted",
    "sentences",
    "paper_f1",
    "paper_aligner",
    "note",
)
"""Columns of ``results.csv`` before the per-type F1 columns (``f1_<TYPE>``)."""


@dataclass
class Row:
    """The scores of one cell; ``note`` says why a cell has none (the step that failed)."""

    dataset: str
    lang: str
    pipeline: str
    method: str = NONE
    aligner: str = NONE
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    support: int | None = None
    predicted: int | None = None
    sentences: int = 0
    per_type: dict[str, float] = field(default_factory=dict)
    distance: float | None = None
    paper_f1: float | None = None
    paper_aligner: str | None = None
    note: str = ""

    @property
    def series(self) -> str:
        """The configuration this row belongs to, across languages: ``pipeline method aligner``."""
        parts = [self.pipeline] + [p for p in (self.method, self.aligner) if p != NONE]
        return " / ".join(parts)

    @property
    def ok(self) -> bool:
        return self.f1 is not None

    def fill(self, report: Report) -> None:
        """Copy the scores of ``report``."""
        self.precision = report.overall.precision
        self.recall = report.overall.recall
        self.f1 = report.overall.f1
        self.support = report.overall.support
        self.predicted = report.overall.predicted
        self.per_type = {label: scores.f1 for label, scores in report.per_type.items()}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def entity_types(rows: Sequence[Row]) -> list[str]:
    """Every entity type scored in any row, sorted."""
    return sorted({label for row in rows for label in row.per_type})


def write_csv(rows: Sequence[Row], path: Path) -> None:
    """Write ``results.csv``: :data:`BASE_COLUMNS` then ``f1_<TYPE>`` per entity type."""
    types = entity_types(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*BASE_COLUMNS, *(f"f1_{t}" for t in types)])
        for row in rows:
            base = [_cell(getattr(row, column)) for column in BASE_COLUMNS]
            writer.writerow([*base, *(_cell(row.per_type.get(t)) for t in types)])
