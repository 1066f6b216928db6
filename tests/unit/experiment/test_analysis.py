"""Distances, correlation, related/distant gap and the paper reference, against hand-computed values."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from xner.experiment.analysis import correlate, exact_spearman_p, group_gap, summarise
from xner.experiment.distances import DistanceTable, language_key, load_distances
from xner.experiment.reference import PaperReference, setting
from xner.experiment.results import Row


def test_correlation_matches_hand_computed_values() -> None:
    # x = 0.1, 0.2, 0.3, 0.4; y = 0.9, 0.7, 0.8, 0.4. Means 0.25 / 0.7; centred x = -.15 -.05 .05 .15,
    # centred y = .2 0 .1 -.3; sxy = -.03 - 0 + .005 - .045 = -.07; sxx = .05; syy = .14.
    result = correlate([0.1, 0.2, 0.3, 0.4], [0.9, 0.7, 0.8, 0.4])
    assert result is not None
    assert result.pearson_r == pytest.approx(-0.07 / math.sqrt(0.05 * 0.14))
    assert result.slope == pytest.approx(-0.07 / 0.05)
    assert result.intercept == pytest.approx(0.7 - (-1.4) * 0.25)
    # ranks of y: 4 2 3 1 vs 1 2 3 4: d = 3 0 0 -3, rho = 1 - 6 * 18 / (4 * 15) = -0.8
    assert result.spearman_rho == pytest.approx(-0.8)
    # exact (n <= 8): 8 of the 24 orderings have |rho| >= 0.8 (see the next tests)
    assert result.spearman_p == pytest.approx(8 / 24)


def test_exact_spearman_p_for_a_perfect_ranking_of_three() -> None:
    # 3! = 6 orderings; |rho| = 1 for the identity and the reversal: p = 2/6.
    assert exact_spearman_p([0.1, 0.2, 0.3], [0.9, 0.8, 0.1]) == pytest.approx(1 / 3)


def test_exact_spearman_p_of_four_counts_orderings() -> None:
    # rho over the 24 permutations of 4 ranks: |rho| >= 0.8 for rho in {1, 0.8, 0.8, 0.8, -1, -0.8 x3} = 8.
    assert exact_spearman_p([1, 2, 3, 4], [4, 2, 3, 1]) == pytest.approx(8 / 24)


def test_no_correlation_without_spread_or_points() -> None:
    assert correlate([0.1, 0.2], [0.5, 0.6]) is None
    assert correlate([0.1, 0.1, 0.1], [0.5, 0.6, 0.7]) is None


def test_group_gap_splits_at_the_threshold_inclusively() -> None:
    gap = group_gap([("de", 0.1, 0.9), ("es", 0.2, 0.7), ("zu", 0.5, 0.4), ("yo", 0.4, 0.2)], 0.2)
    assert gap.related == ["de", "es"] and gap.distant == ["zu", "yo"]
    assert gap.related_f1 == pytest.approx(0.8)
    assert gap.distant_f1 == pytest.approx(0.3)
    assert gap.gap == pytest.approx(0.5)
    assert group_gap([("de", 0.1, 0.9)], 0.2).gap is None


def test_summary_compares_with_model_transfer_on_shared_languages() -> None:
    rows = [
        Row("d", "de", "translate-test", "heuristic", "eflomal", f1=0.8, distance=0.1),
        Row("d", "yo", "translate-test", "heuristic", "eflomal", f1=0.3, distance=0.4),
        Row("d", "de", "model-transfer", f1=0.6, distance=0.1),
        Row("d", "yo", "model-transfer", f1=0.4, distance=0.4),
        Row("d", "zu", "model-transfer", note="failed"),
    ]
    by_series = {s.series: s for s in summarise(rows, 0.2)}
    projection = by_series["translate-test / heuristic / eflomal"]
    assert projection.vs_model_transfer == {"languages": 2, "mean_delta_f1": pytest.approx(0.05), "wins": 1}
    assert projection.groups.gap == pytest.approx(0.5)
    assert by_series["model-transfer"].languages == 2
    assert by_series["model-transfer"].vs_model_transfer is None


def test_bundled_uriel_table_lookups() -> None:
    table = load_distances("en", None)
    assert table is not None
    assert table.distance("de", "syntactic") == pytest.approx(0.0975)
    assert table.distance("deu", "syntactic") == table.distance("de", "syntactic")
    assert table.distance("swa", "syntactic") == table.distance("sw", "syntactic")  # both Swahili -> swh
    assert table.distance("pcm", "syntactic") == pytest.approx(0.0399)  # not in FLORES-200: looked up as is
    assert table.distance("zh", "genetic") == pytest.approx(1.0)
    assert table.distance("xx", "syntactic") is None
    assert load_distances("fr", None) is None  # the bundled table is from English only
    assert language_key("ms") == "zsm"


def test_own_distance_table(tmp_path: Path) -> None:
    path = tmp_path / "d.tsv"
    path.write_text("# mine\ncode\tsyntactic\nde\t0.5\n", encoding="utf-8")
    table = load_distances("fr", path)
    assert isinstance(table, DistanceTable)
    assert table.distance("deu", "syntactic") == 0.5


def test_paper_reference_picks_the_best_aligner_per_cell() -> None:
    reference = PaperReference()
    assert reference.lookup("masakhaner2", "bam", "translate-test", "heuristic") == (pytest.approx(0.4966), "awesome")
    assert reference.lookup("masakhaner2", "bam", "translate-test", "candidates-greedy-ner") == (
        pytest.approx(0.5530),
        "simalign",
    )
    assert reference.lookup("europarl", "de", "parallel", "candidates-exact-ngram") == (
        pytest.approx(0.9203),
        "awesome",
    )
    assert reference.lookup("panx", "de", "model-transfer", "-") == (pytest.approx(0.686, abs=1e-3), "-")
    assert reference.lookup("masakhaner2", "swa", "model-transfer", "-") is not None  # swa ~ swh
    assert reference.lookup("conll", "de", "parallel", "heuristic") is None
    assert setting("europarl", "translate-test", "heuristic") is None  # the paper ran parallel on Europarl


def test_the_paper_verdict_says_how_far_a_cell_is_from_the_published_one() -> None:
    from xner.experiment.report import paper_verdict

    def row(f1: float | None, paper: float | None) -> Row:
        return Row("d", "hau", "translate-test", f1=f1, paper_f1=paper)

    assert paper_verdict(row(0.700, 0.715)) == ("-1.5", "yes")
    assert paper_verdict(row(0.700, 0.720)) == ("-2.0", "yes")  # the tolerance is inclusive
    assert paper_verdict(row(0.700, 0.730)) == ("-3.0", "below")
    assert paper_verdict(row(0.760, 0.730)) == ("+3.0", "above")
    assert paper_verdict(row(0.700, None)) == ("", "")
