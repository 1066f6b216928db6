"""The seed paper's published F1 per language (arXiv 2501.18750), as a reference column next to ours.

``data/paper_reference.tsv`` is derived from the authors' released per-run metrics by
``scripts/paper_reference.py``: for each (data set, language, setting) the best ``overall_f1`` over the two
aligners they ran (SimAlign and AWESoME, mBERT), as the paper's tables do. Their runs used NLLB-200-3.3B and
XLM-R-large-CoNLL03, so the column is what a GPU run with those models should approach.

Our cell -> their setting: model transfer -> ``model_transfer``; translate-test (MasakhaNER2, PAN-X) or
parallel projection (Europarl-NER) with ``heuristic``/``heuristic-paper`` -> ``heuristic``, with candidates from
n-grams -> ``candidates-ngram``, from NER -> ``candidates-ner``. Translate-train has no published counterpart.
"""

from __future__ import annotations

import csv
from importlib import resources

from xner.experiment.distances import language_key
from xner.experiment.results import Row

_FILE = "paper_reference.tsv"

FAMILIES = {"europarl": "europarl", "masakhaner2": "masakhaner2", "panx": "panx"}
"""Our layout -> the paper's data set family."""

PIPELINE_OF = {"europarl": "parallel", "masakhaner2": "translate-test", "panx": "translate-test"}
"""The pipeline the paper ran on each family (besides model transfer)."""


def setting(layout: str, pipeline: str, method: str) -> str | None:
    """The paper's setting for one of our cells, or ``None`` when it has none."""
    family = FAMILIES.get(layout)
    if family is None:
        return None
    if pipeline == "model-transfer":
        return "model_transfer"
    if pipeline != PIPELINE_OF[family]:
        return None
    if method.startswith("heuristic"):
        return "heuristic"
    if method.startswith("candidates-"):
        source = method.split("-")[2]
        return f"candidates-{source}" if source in ("ngram", "ner") else None
    return None


class PaperReference:
    """Published F1 by (family, language key, setting)."""

    def __init__(self) -> None:
        text = resources.files("xner.experiment").joinpath("data", _FILE).read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        self.cells: dict[tuple[str, str, str], tuple[float, str]] = {
            (r["dataset"], language_key(r["lang"]), r["setting"]): (float(r["f1"]), r["aligner"])
            for r in csv.DictReader(lines, delimiter="\t")
        }

    def lookup(self, layout: str, lang: str, pipeline: str, method: str) -> tuple[float, str] | None:
        """``(f1, aligner)`` published for the cell, or ``None``."""
        kind = setting(layout, pipeline, method)
        if kind is None:
            return None
        return self.cells.get((FAMILIES[layout], language_key(lang), kind))

    def annotate(self, row: Row, layout: str) -> None:
        """Fill ``row.paper_f1``/``row.paper_aligner`` where the paper has the cell."""
        found = self.lookup(layout, row.lang, row.pipeline, row.method)
        if found is not None:
            row.paper_f1, row.paper_aligner = found
