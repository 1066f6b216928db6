"""The heuristic projection: hand-computed projections for gaps, punctuation, collisions, odd alignments."""

from __future__ import annotations

import pytest

from xner.corpus import Span
from xner.errors import InputError
from xner.project.heuristic import project_heuristic, project_heuristic_paper, resolve_collisions, runs
from xner.project.status import Reason, Status

WORDS = [f"w{j}" for j in range(10)]


def keys(projection_spans: list[Span]) -> list[tuple[int, int, str]]:
    return [s.key for s in projection_spans]


def test_runs_merge_gaps_of_at_most_gap_words() -> None:
    assert runs([1, 2, 4], gap=1) == [(1, 5)]  # README: O B I O I -> O B I I I (the reference code would not merge)
    assert runs([1, 3], gap=1) == [(1, 4)]
    assert runs([1, 4], gap=1) == [(1, 2), (4, 5)]  # two missing words: too far
    assert runs([1, 4], gap=2) == [(1, 5)]
    assert runs([1, 2, 4], gap=0) == [(1, 3), (4, 5)]
    assert runs([], gap=1) == []


def test_contiguous_alignment_projects_the_run() -> None:
    p = project_heuristic([Span(0, 2, "ORG")], WORDS, [(0, 3), (1, 4)])
    assert keys(p.spans) == [(3, 5, "ORG")]
    assert p.status is Status.PROJECTED


def test_gap_of_one_word_is_filled() -> None:
    # entity words go to target 2, 3 and 5; target 4 (unaligned) is filled in
    p = project_heuristic([Span(0, 3, "PER")], WORDS, [(0, 2), (1, 3), (2, 5)])
    assert keys(p.spans) == [(2, 6, "PER")]


def test_longest_run_wins_and_leftmost_on_ties() -> None:
    p = project_heuristic([Span(0, 3, "LOC")], WORDS, [(0, 1), (1, 5), (2, 6)])
    assert keys(p.spans) == [(5, 7, "LOC")]  # runs (1,2) and (5,7): the longer
    p = project_heuristic([Span(0, 2, "LOC")], WORDS, [(0, 1), (1, 7)])
    assert keys(p.spans) == [(1, 2, "LOC")]  # runs of equal length: the leftmost


def test_non_contiguous_many_to_many_alignment() -> None:
    # crossing links: source 0 -> 4, source 1 -> 2 and 3; the set {2, 3, 4} is one run
    p = project_heuristic([Span(0, 2, "ORG")], WORDS, [(0, 4), (1, 2), (1, 3), (1, 4)])
    assert keys(p.spans) == [(2, 5, "ORG")]


def test_punctuation_only_words_are_dropped_before_runs() -> None:
    target = ["the", "«", "Union", "»", "said"]
    p = project_heuristic([Span(0, 1, "ORG")], target, [(0, 1), (0, 2), (0, 3)])
    assert keys(p.spans) == [(2, 3, "ORG")]
    only_punct = project_heuristic([Span(0, 1, "ORG")], target, [(0, 1), (0, 3)])
    assert only_punct.spans == []
    assert [x.reason for x in only_punct.lost] == [Reason.PUNCTUATION_ONLY]
    assert only_punct.status is Status.DROPPED
    kept = project_heuristic([Span(0, 1, "ORG")], target, [(0, 1), (0, 2)], drop_punct=False)
    assert keys(kept.spans) == [(1, 3, "ORG")]


def test_punctuation_can_split_a_run_that_gap_filling_rejoins() -> None:
    target = ["A", ",", "B", "c"]
    p = project_heuristic([Span(0, 2, "ORG")], target, [(0, 0), (0, 1), (1, 2)])
    assert keys(p.spans) == [(0, 3, "ORG")]  # "," dropped, then the one-word gap is filled again


def test_unaligned_entity_is_reported_and_sentence_partial() -> None:
    entities = [Span(0, 1, "PER"), Span(2, 3, "LOC")]
    p = project_heuristic(entities, WORDS, [(0, 0)])
    assert keys(p.spans) == [(0, 1, "PER")]
    assert [(x.entity.key, x.reason) for x in p.lost] == [((2, 3, "LOC"), Reason.UNALIGNED)]
    assert p.status is Status.PARTIAL


def test_same_type_overlaps_are_united() -> None:
    entities = [Span(0, 1, "ORG"), Span(2, 3, "ORG")]
    p = project_heuristic(entities, WORDS, [(0, 3), (0, 4), (2, 4), (2, 5)])
    assert keys(p.spans) == [(3, 6, "ORG")]
    assert [x.reason for x in p.lost] == [Reason.MERGED]
    assert p.status is Status.PROJECTED  # merging loses no label


def test_different_type_overlap_keeps_the_longer() -> None:
    entities = [Span(0, 1, "PER"), Span(2, 4, "ORG")]
    p = project_heuristic(entities, WORDS, [(0, 3), (2, 3), (3, 4)])
    assert keys(p.spans) == [(3, 5, "ORG")]
    assert [(x.entity.label, x.reason) for x in p.lost] == [("PER", Reason.COLLISION)]


def test_different_type_overlap_of_equal_length_keeps_the_earlier_source_entity() -> None:
    kept, removed = resolve_collisions([(0, Span(3, 5, "PER")), (1, Span(4, 6, "ORG"))])
    assert [(order, span.key) for order, span in kept] == [(0, (3, 5, "PER"))]
    assert removed == [(1, Reason.COLLISION)]


def test_collisions_between_non_neighbours_are_resolved() -> None:
    # source order A, B, C; A and C overlap although B (between them in source order) does not touch them
    projected = [(0, Span(0, 3, "PER")), (1, Span(6, 7, "LOC")), (2, Span(2, 4, "ORG"))]
    kept, removed = resolve_collisions(projected)
    assert [(order, span.key) for order, span in kept] == [(0, (0, 3, "PER")), (1, (6, 7, "LOC"))]
    assert removed == [(2, Reason.COLLISION)]


def test_adjacent_same_type_spans_stay_apart() -> None:
    p = project_heuristic([Span(0, 1, "PER"), Span(1, 2, "PER")], WORDS, [(0, 2), (1, 3)])
    assert keys(p.spans) == [(2, 3, "PER"), (3, 4, "PER")]


def test_out_of_range_link_names_the_sentence() -> None:
    with pytest.raises(InputError, match=r"sentence 7: alignment link 0-12 is out of range"):
        project_heuristic([Span(0, 1, "PER")], WORDS, [(0, 12)], n_source=3, where="sentence 7")
    with pytest.raises(InputError, match="link 5-0"):
        project_heuristic([Span(0, 1, "PER")], WORDS, [(5, 0)], n_source=3)


def test_paper_variant_drops_runs_below_the_length_ratio() -> None:
    # a 2-word entity aligned to one word: 1/2 = 0.5 is not > 0.8
    p = project_heuristic_paper([Span(0, 2, "ORG")], WORDS, [(0, 4), (1, 4)])
    assert p.spans == []
    assert [x.reason for x in p.lost] == [Reason.TOO_SHORT]
    # 5 source words onto 4 target words: 0.8 is not > 0.8 (strict)
    p = project_heuristic_paper([Span(0, 5, "ORG")], WORDS, [(0, 1), (1, 2), (2, 3), (3, 4)])
    assert p.spans == []


def test_paper_variant_labels_every_surviving_run() -> None:
    p = project_heuristic_paper([Span(0, 1, "LOC")], WORDS, [(0, 1), (0, 5)])
    assert keys(p.spans) == [(1, 2, "LOC"), (5, 6, "LOC")]


def test_paper_variant_later_entities_overwrite_earlier_ones() -> None:
    entities = [Span(0, 2, "PER"), Span(2, 3, "ORG")]
    p = project_heuristic_paper(entities, WORDS, [(0, 1), (1, 2), (2, 2)])
    assert keys(p.spans) == [(1, 2, "PER"), (2, 3, "ORG")]  # tags B-PER B-ORG: the ORG word overwrote
    p = project_heuristic_paper(entities, WORDS, [(0, 2), (1, 2), (2, 2)])
    assert keys(p.spans) == [(2, 3, "ORG")]  # PER: 1 word for 2 is below the ratio
    assert [(x.entity.label, x.reason) for x in p.lost] == [("PER", Reason.TOO_SHORT)]
    entities = [Span(0, 1, "PER"), Span(1, 2, "ORG")]
    p = project_heuristic_paper(entities, WORDS, [(0, 2), (1, 2)])
    assert keys(p.spans) == [(2, 3, "ORG")]
    assert [(x.entity.label, x.reason) for x in p.lost] == [("PER", Reason.COLLISION)]
