"""Label maps, model labels read as tags, and subword windows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xner.corpus import Span
from xner.errors import InputError
from xner.ner.labels import ONTONOTES_TO_CONLL, LabelMap, model_label_to_tag, parse_mapping
from xner.ner.windows import make_windows, plan_windows


def test_ontonotes_types_map_to_conll() -> None:
    expected = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "NORP": "MISC"}
    for source, target in expected.items():
        assert ONTONOTES_TO_CONLL[source] == target
    for source in ("EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "PRODUCT"):
        assert ONTONOTES_TO_CONLL[source] == "MISC"
    for source in ("DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY"):
        assert ONTONOTES_TO_CONLL[source] is None


def test_label_map_renames_drops_and_keeps() -> None:
    spans = [Span(0, 1, "PERSON"), Span(1, 2, "MISC"), Span(2, 3, "ORG"), Span(3, 4, "DATE")]
    mapped = LabelMap.build("PERSON=PER", drop="MISC", keep="PER,LOC").apply(spans)
    assert [s.key for s in mapped] == [(0, 1, "PER")]
    strict = LabelMap.build(base=ONTONOTES_TO_CONLL, only_mapped=True)
    assert strict("PERSON") == "PER" and strict("DATE") is None and strict("UNHEARD_OF") is None
    assert LabelMap()("ANY") == "ANY"


def test_parse_mapping() -> None:
    assert parse_mapping("PERSON=PER, MISC=") == {"PERSON": "PER", "MISC": None}
    with pytest.raises(InputError):
        parse_mapping("PERSON")


@pytest.mark.parametrize(
    ("label", "tag"), [("O", "O"), ("B-PER", "B-PER"), ("I-LOC", "I-LOC"), ("S-ORG", "S-ORG"), ("PER", "I-PER")]
)
def test_model_labels_are_read_as_tags(label: str, tag: str) -> None:
    assert model_label_to_tag(label) == tag


def test_short_sentence_is_one_window() -> None:
    assert plan_windows([1, 2, 3], 10, 2) == [(0, 3)]
    assert plan_windows([], 10, 2) == []


def test_long_sentence_windows_overlap_and_fit() -> None:
    windows = plan_windows([2] * 10, 6, 2)
    assert windows == [(0, 3), (2, 5), (4, 7), (6, 9), (8, 10)]


def test_a_word_over_the_budget_gets_its_own_window() -> None:
    assert plan_windows([1, 50, 1], 4, 1) == [(0, 1), (1, 2), (2, 3)]


@given(
    st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=40),
    st.integers(min_value=6, max_value=30),
    st.integers(min_value=0, max_value=5),
)
def test_windows_cover_every_word_within_budget(counts: list[int], budget: int, overlap: int) -> None:
    windows = plan_windows(counts, budget, overlap)
    covered = {w for start, end in windows for w in range(start, end)}
    assert covered == set(range(len(counts)))
    for start, end in windows:
        assert sum(counts[start:end]) <= budget or end - start == 1
    assert [s for s, _ in windows] == sorted({s for s, _ in windows})


def test_each_word_is_owned_by_the_window_where_it_is_most_central() -> None:
    windows, owner = make_windows([[2] * 10], 6, 2)
    assert len(windows) == 5
    # word 2 is the last word of window 0 and the first of window 1: neither is central; tie keeps the first
    assert owner[0][2][0] == 0
    # word 3 is in the middle of window 1 only
    assert owner[0][3] == (1, 2)
    assert all(index >= 0 for index, _ in owner[0])
