"""Multi-source voting and its tie rule."""

from __future__ import annotations

import pytest

from xner.corpus import Sentence, Span
from xner.errors import InputError, MismatchError
from xner.project.multisource import project_multisource, vote
from xner.project.status import Reason, Status


def keys(spans: list[Span]) -> list[tuple[int, int, str]]:
    return [s.key for s in spans]


def test_majority_wins_and_minority_overlap_is_outvoted() -> None:
    p = vote([[Span(0, 2, "ORG")], [Span(0, 2, "ORG")], [Span(1, 2, "LOC")]])
    assert keys(p.spans) == [(0, 2, "ORG")]
    assert p.spans[0].score == pytest.approx(2 / 3)
    assert [(x.entity.key, x.reason) for x in p.lost] == [((1, 2, "LOC"), Reason.OUTVOTED)]
    assert p.status is Status.PARTIAL


def test_below_threshold_is_dropped_even_without_conflict() -> None:
    p = vote([[Span(0, 1, "PER")], [], []])
    assert p.spans == []
    assert p.status is Status.DROPPED


def test_weights_change_the_outcome() -> None:
    proposals = [[Span(0, 2, "ORG")], [Span(0, 1, "ORG")], [Span(0, 1, "ORG")]]
    assert keys(vote(proposals).spans) == [(0, 1, "ORG")]
    assert keys(vote(proposals, [3.0, 1.0, 1.0]).spans) == [(0, 2, "ORG")]


def test_tie_goes_to_the_earliest_source() -> None:
    p = vote([[Span(0, 1, "PER")], [Span(0, 2, "PER")]])
    assert keys(p.spans) == [(0, 1, "PER")]
    p = vote([[Span(0, 2, "PER")], [Span(0, 1, "PER")]])
    assert keys(p.spans) == [(0, 2, "PER")]


def test_non_overlapping_spans_of_each_source_all_survive_with_two_sources() -> None:
    p = vote([[Span(0, 1, "PER")], [Span(3, 4, "LOC")]])
    assert keys(p.spans) == [(0, 1, "PER"), (3, 4, "LOC")]


def test_bad_weights() -> None:
    with pytest.raises(MismatchError):
        vote([[], []], [1.0])
    with pytest.raises(InputError):
        vote([[], []], [0.0, 0.0])


def test_project_multisource_merges_two_languages() -> None:
    target = [Sentence(["Prodi", "a", "Roma"])]
    german = [Sentence(["Prodi", "in", "Rom"], spans=[Span(0, 1, "PER"), Span(2, 3, "LOC")])]
    spanish = [Sentence(["Prodi", "en", "Roma"], spans=[Span(0, 1, "PER"), Span(2, 3, "ORG")])]
    italian_links = [[(0, 0), (1, 1), (2, 2)]]
    result = project_multisource(
        [german, spanish], target, [italian_links, italian_links], weights=[1.0, 2.0], method="heuristic"
    )
    assert keys(result.sentences[0].spans) == [(0, 1, "PER"), (2, 3, "ORG")]
    assert result.sentences[0].meta["projection"]["status"] == "partial"  # the German LOC was outvoted
