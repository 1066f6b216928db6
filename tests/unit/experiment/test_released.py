"""The pooled analysis (one slope, one intercept per data set), the slope's bootstrap interval, the median split, and
the analysis of the seed paper's released results from the command line (no model, no data)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from xner.cli import main
from xner.experiment.analysis import median_threshold, pooled, slope_interval
from xner.experiment.distances import DistanceTable
from xner.experiment.reference import PaperReference
from xner.experiment.released import SETTINGS, analyse_released, released_rows, setting_of
from xner.experiment.results import Row


def rows_of(points: list[tuple[str, str, float, float]], series: str = "s") -> list[Row]:
    return [Row(dataset=d, lang=lang, pipeline=series, f1=f1, distance=x) for d, lang, x, f1 in points]


def test_the_pooled_slope_is_least_squares_with_one_intercept_per_data_set() -> None:
    rng = np.random.default_rng(3)
    points = []
    for dataset, level in (("a", 0.9), ("b", 0.5), ("c", 0.7)):
        for k in range(12):
            x = float(rng.uniform(0, 0.6))
            points.append((dataset, f"{dataset}{k}", x, level - 0.3 * x + float(rng.normal(0, 0.02))))
    (summary,) = pooled(rows_of(points), threshold=0.3)
    # the same model by ordinary least squares on dummies: f1 ~ [1_a, 1_b, 1_c, distance]
    design = np.array([[d == "a", d == "b", d == "c", x] for d, _, x, _ in points], dtype=float)
    coefficients, *_ = np.linalg.lstsq(design, np.array([p[3] for p in points]), rcond=None)
    assert summary.slope == pytest.approx(coefficients[3])
    assert summary.slope_ci is not None and summary.slope_ci[0] < summary.slope < summary.slope_ci[1]
    assert summary.slope_p is not None and summary.slope_p < 1e-6
    assert summary.datasets == ["a", "b", "c"] and summary.points == 36


def test_data_sets_that_differ_in_level_and_distance_cannot_fake_a_gap() -> None:
    # a: close and easy, b: far and hard; inside each, F1 does not depend on distance at all
    points = [("a", f"a{k}", 0.1 + 0.01 * k, 0.9 + 0.01 * (k % 2)) for k in range(6)]
    points += [("b", f"b{k}", 0.5 + 0.01 * k, 0.4 + 0.01 * (k % 2)) for k in range(6)]
    threshold = median_threshold(rows_of(points))
    assert threshold == pytest.approx((0.15 + 0.5) / 2)  # the median of the twelve distances
    (summary,) = pooled(rows_of(points), threshold)
    assert summary.groups.gap == pytest.approx(0.5)  # related minus distant, raw: all of it is the data set
    assert summary.within_gap == pytest.approx(0.0)  # one data set per side: nothing is left inside them
    assert summary.slope is not None and abs(summary.slope) < 0.2


def test_the_interval_is_reproducible_and_needs_enough_points() -> None:
    x = [0.05 * k for k in range(10)]
    y = [0.8 - 0.5 * v + 0.03 * ((k * 7) % 3) for k, v in enumerate(x)]
    first, second = slope_interval(x, y), slope_interval(x, y)
    assert first == second and first is not None
    assert first[0] < -0.5 < first[1]
    assert slope_interval(x[:3], y[:3]) is None  # three languages: no interval
    assert slope_interval([0.2] * 10, y) is None  # no spread in distance: no resample has a slope


def test_released_rows_cover_every_bundled_cell_with_its_distance() -> None:
    table = DistanceTable.bundled()
    rows = released_rows(table, "syntactic")
    assert len(rows) == len(PaperReference().cells)
    assert {setting_of(r) for r in rows} == set(SETTINGS)
    de = next(r for r in rows if r.dataset == "europarl" and r.lang == "deu" and r.method == "candidates-ngram")
    assert de.pipeline == "parallel" and de.f1 == pytest.approx(0.9203)
    assert de.distance == table.distance("de", "syntactic")
    transfer = [r for r in rows if r.pipeline == "model-transfer"]
    assert transfer and all(r.method == "-" for r in transfer)


def test_the_released_analysis_pools_every_setting_under_every_distance_kind() -> None:
    kinds = ("syntactic", "genetic")
    analysis = analyse_released(DistanceTable.bundled(), "syntactic", kinds)
    assert [s.series for s in analysis.pooled] == list(SETTINGS)
    assert list(analysis.by_kind) == list(kinds)
    assert analysis.threshold == median_threshold(analysis.rows)
    for summary in analysis.pooled:
        assert summary.datasets == ["europarl", "masakhaner2", "panx"]
        assert summary.groups.related and summary.groups.distant  # the median split leaves no group empty


def test_the_command_line_analyses_the_released_results(tmp_path: Path) -> None:
    out = tmp_path / "released"
    assert main(["experiment", "--released", "--out", str(out)]) == 0
    text = (out / "results.md").read_text(encoding="utf-8")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["related_threshold_rule"] == "median distance of the targets"
    transfer = next(s for s in summary["pooled"] if s["series"] == "model_transfer")
    # the sentence about model transfer states the pooled slope that summary.json holds
    assert f"F1 falls by {abs(transfer['slope']) * 10:.1f} points per 0.1" in text
    assert "Degrades least with distance" in text
    for dataset in ("europarl", "masakhaner2", "panx"):
        assert (out / f"f1-vs-distance_{dataset}.png").stat().st_size > 0
    assert len((out / "results.csv").read_text(encoding="utf-8").splitlines()) == len(PaperReference().cells) + 1


def test_the_command_line_wants_a_configuration_or_released(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiment", "--out", str(tmp_path)]) == 2
    assert "--released" in capsys.readouterr().err
    config = tmp_path / "exp.yaml"
    config.write_text("targets: [de]\n", encoding="utf-8")
    assert main(["experiment", str(config), "--released", "--out", str(tmp_path)]) == 2
    assert "not both" in capsys.readouterr().err


def test_an_empty_group_is_said_so(tmp_path: Path) -> None:
    # most targets are genetically unrelated to English (distance 1.0): the median split leaves no distant group
    assert main(["experiment", "--released", "--distance", "genetic", "--out", str(tmp_path)]) == 0
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "no target lies above the median distance 1.000" in text


def test_released_cells_leave_the_unknown_support_blank(tmp_path: Path) -> None:
    assert main(["experiment", "--released", "--out", str(tmp_path)]) == 0
    assert "| None |" not in (tmp_path / "results.md").read_text(encoding="utf-8")
