"""The error classes of bench/error_analysis.py, on sentences built to hold one error each."""

from __future__ import annotations

from bench.error_analysis import classify
from xner.corpus import Sentence, Span

SOURCE = Sentence(["the", "Member", "States", "of", "Belgium", "and", "Kofi"],
                  [Span(1, 3, "ORG"), Span(4, 5, "LOC"), Span(6, 7, "PER")])  # fmt: skip
TARGET_TOKENS = ["los", "Estados", "miembros", "de", "belgas", "y", "Kofi"]
LINKS = [(0, 0), (2, 1), (4, 4), (6, 6)]


def errors(gold: list[Span], predicted: list[Span], origin: list[int]) -> list[tuple[str, int, int]]:
    target = Sentence(TARGET_TOKENS, gold)
    pred = Sentence(TARGET_TOKENS, predicted)
    return [(kind, fn, fp) for kind, fn, fp, _ in classify(SOURCE, target, pred, origin, LINKS, "es")]


def test_a_correct_projection_has_no_error() -> None:
    gold = [Span(1, 3, "ORG"), Span(6, 7, "PER")]
    assert errors(gold, list(gold), [0, 2]) == []


def test_type_boundary_and_function_word_errors() -> None:
    assert errors([Span(4, 5, "MISC")], [Span(4, 5, "LOC")], [1]) == [("type", 1, 1)]
    assert errors([Span(1, 3, "ORG")], [Span(1, 2, "ORG")], [0]) == [("boundary: other", 1, 1)]
    assert errors([Span(1, 3, "ORG")], [Span(0, 3, "ORG")], [0]) == [("boundary: function word", 1, 1)]
    assert errors([Span(1, 3, "ORG")], [Span(0, 2, "LOC")], [1]) == [("type and boundary", 1, 1)]


def test_alignment_and_annotation_errors() -> None:
    assert errors([Span(6, 7, "PER")], [], []) == [("alignment: lost", 1, 0)]
    assert errors([Span(6, 7, "PER")], [Span(3, 4, "PER")], [2]) == [("alignment: elsewhere", 1, 1)]
    assert errors([Span(5, 6, "MISC")], [], []) == [("only in target gold", 1, 0)]
    assert errors([], [Span(6, 7, "PER")], [2]) == [("only in source gold", 0, 1)]
