"""Rebuild ``xner/experiment/data/paper_reference.tsv``: the seed paper's published F1 per language and setting.

Input: the folder ``experiments_results/`` of Cross-Lingual-NER/Projection-Data-Transfer-Cross-Lingual-NER
(arXiv 2501.18750; the CSVs are GPL-3.0, the numbers are results reported by their authors), holding
``masakhaner2_metrics.csv``, ``xtreme40_metrics.csv`` and ``europarlner_metrics.csv``:

    python scripts/paper_reference.py DIR > xner/experiment/data/paper_reference.tsv

Each output row is one (dataset, lang, setting) cell with the best ``overall_f1`` over the aligners the paper
tried (SimAlign mBERT IterMax, AWESoME mBERT), as its tables do. Settings: ``model_transfer``, ``heuristic``
(``align_src``), ``candidates-ngram`` (``candidates`` with selection ``dummy``), ``candidates-ner``
(``candidates`` with selection ``ner``); back-translation runs are left out (xner does not run them in the grid).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

FILES = {
    "masakhaner2": "masakhaner2_metrics.csv",
    "panx": "xtreme40_metrics.csv",
    "europarl": "europarlner_metrics.csv",
}
"""Data set family (as xner's layouts name them) -> the paper's metrics file."""


def setting(row: dict[str, str]) -> str | None:
    """The xner name of a run's setting, or ``None`` for runs the grid does not reproduce."""
    kind = row["pipeline_type"]
    if kind == "model_transfer":
        return "model_transfer"
    if kind == "align_src":
        return "heuristic"
    if kind == "candidates":
        return "candidates-ner" if row["candidate_selection"] == "ner" else "candidates-ngram"
    return None


def main(directory: str) -> None:
    best: dict[tuple[str, str, str], tuple[float, str]] = {}
    for dataset, name in FILES.items():
        with (Path(directory) / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                kind = setting(row)
                if kind is None or row.get("Status", "FINISHED") != "FINISHED":
                    continue
                key = (dataset, row["lang"], kind)
                f1 = float(row["overall_f1"])
                if key not in best or f1 > best[key][0]:
                    best[key] = (f1, row["aligner"] or "-")
    print("# arXiv 2501.18750, experiments_results/*.csv: best overall F1 over aligners (scripts/paper_reference.py)")
    print("dataset\tlang\tsetting\tf1\taligner")
    for (dataset, lang, kind), (f1, aligner) in sorted(best.items()):
        print(f"{dataset}\t{lang}\t{kind}\t{f1:.4f}\t{aligner}")


if __name__ == "__main__":
    main(sys.argv[1])
