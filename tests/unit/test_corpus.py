"""Tag schemes <-> spans, the ill-formed-sequence policy, and the domain types."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xner.corpus import (
    SCHEMES,
    Corpus,
    Sentence,
    Span,
    detect_scheme,
    join_tokens,
    parse_tag,
    spans_to_tags,
    strict_tags_to_spans,
    tags_to_spans,
)
from xner.errors import InputError, UnknownNameError


def keys(spans: list[Span]) -> list[tuple[int, int, str]]:
    return [s.key for s in spans]


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["B-PER", "I-PER", "O", "B-LOC"], [(0, 2, "PER"), (3, 4, "LOC")]),  # IOB2
        (["I-PER", "I-PER", "B-PER", "O"], [(0, 2, "PER"), (2, 3, "PER")]),  # IOB1
        (["B-PER", "E-PER", "S-LOC", "O"], [(0, 2, "PER"), (2, 3, "LOC")]),  # IOBES
        (["B-ORG", "I-ORG", "L-ORG", "U-PER"], [(0, 3, "ORG"), (3, 4, "PER")]),  # BILOU
        (["O", "I-PER", "I-PER"], [(1, 3, "PER")]),  # I- after O begins a span (seqeval)
        (["B-PER", "I-LOC"], [(0, 1, "PER"), (1, 2, "LOC")]),  # a type change closes the span
        (["E-PER", "E-PER"], [(0, 1, "PER"), (1, 2, "PER")]),  # E- closes, the next E- opens
        (["S-PER", "I-PER"], [(0, 1, "PER"), (1, 2, "PER")]),
        ([], []),
        (["O", "O"], []),
    ],
)
def test_tags_to_spans_reads_every_scheme_and_ill_formed_sequences(tags, expected):
    assert keys(tags_to_spans(tags)) == expected


@pytest.mark.parametrize("bad", ["B-", "I", "PER", "X-PER", "b-PER", "B-PER X", "B--PER", ""])
def test_parse_tag_rejects_malformed_tags(bad):
    with pytest.raises(ValueError):
        parse_tag(bad)


def test_parse_tag_names_missing_type():
    with pytest.raises(ValueError, match="no entity type"):
        parse_tag("B-")


span_lists = st.lists(
    st.tuples(st.integers(0, 30), st.integers(1, 4), st.sampled_from(["PER", "LOC", "ORG", "MISC"])), max_size=8
)


def _non_overlapping(raw: list[tuple[int, int, str]]) -> list[Span]:
    spans: list[Span] = []
    for start, length, label in sorted(raw):
        if not spans or start >= spans[-1].end:
            spans.append(Span(start, start + length, label))
    return spans


@given(span_lists, st.sampled_from(SCHEMES))
def test_spans_to_tags_round_trips_in_every_scheme(raw, scheme):
    spans = _non_overlapping(raw)
    tags = spans_to_tags(spans, 40, scheme)
    assert keys(tags_to_spans(tags)) == keys(spans)
    assert keys(strict_tags_to_spans(tags, scheme)) == keys(spans)


def test_iob1_uses_b_only_between_touching_spans_of_one_type():
    spans = [Span(0, 2, "PER"), Span(2, 3, "PER"), Span(3, 4, "LOC")]
    assert spans_to_tags(spans, 5, "IOB1") == ["I-PER", "I-PER", "B-PER", "I-LOC", "O"]


def test_spans_to_tags_rejects_overlaps_and_unknown_scheme():
    with pytest.raises(InputError, match="overlap"):
        spans_to_tags([Span(0, 2, "PER"), Span(1, 3, "LOC")], 4)
    with pytest.raises(UnknownNameError, match="IOB2"):
        spans_to_tags([], 3, "XYZ")


@pytest.mark.parametrize(
    ("tags", "scheme"),
    [
        (["B-PER", "I-PER", "O"], "IOB2"),
        (["I-PER", "O", "B-LOC"], "IOB1"),
        (["O", "B-LOC", "I-LOC", "B-PER"], "IOB2"),
        (["S-PER", "B-LOC", "E-LOC"], "IOBES"),
        (["U-PER", "B-LOC", "L-LOC"], "BILOU"),
    ],
)
def test_detect_scheme(tags, scheme):
    assert detect_scheme(tags) == scheme


def test_strict_mode_drops_ill_formed_chunks():
    assert keys(strict_tags_to_spans(["O", "I-PER", "I-PER", "B-LOC"], "IOB2")) == [(3, 4, "LOC")]
    with pytest.raises(ValueError, match="not allowed"):
        strict_tags_to_spans(["S-PER"], "IOB2")


def test_sentence_text_and_char_spans():
    sentence = Sentence(tokens=["Kofi", "Annan", "spoke", "."], spans=[Span(0, 2, "PER")])
    full = sentence.with_text()
    assert full.text == "Kofi Annan spoke ."
    [span] = sentence.char_spans()
    assert (span.char_start, span.char_end) == (0, 10)
    assert sentence.iob2() == ["B-PER", "I-PER", "O", "O"]


def test_sentence_with_given_text_locates_tokens():
    sentence = Sentence(tokens=["Hi", "😀", "Zoë"], text="Hi  😀 Zoë", spans=[Span(2, 3, "PER")]).with_text()
    assert sentence.offsets == [(0, 2), (4, 5), (6, 9)]
    assert sentence.char_spans()[0].char_start == 6


def test_invalid_domain_objects_are_rejected():
    with pytest.raises(InputError):
        Span(2, 2, "PER")
    with pytest.raises(InputError):
        Span(0, 1, "")
    with pytest.raises(InputError, match="past the sentence end"):
        Sentence(tokens=["a"], spans=[Span(0, 2, "PER")])


def test_corpus_is_reiterable_from_a_factory():
    calls = []

    def factory():
        calls.append(1)
        return iter([Sentence(tokens=["a"]), Sentence(tokens=["b"])])

    corpus = Corpus(factory)
    assert [s.tokens for s in corpus] == [["a"], ["b"]]
    assert len(corpus.to_list()) == 2
    assert len(calls) == 2


def test_join_tokens_offsets_are_code_points():
    text, offsets = join_tokens(["e\u0301", "🎉"])
    assert text == "e\u0301 🎉"
    assert offsets == [(0, 2), (3, 4)]


def test_random_sequences_decode_like_a_reference_state_machine():
    """A naive restatement of the policy (begin on B/S, on I/E after O/E/S, on a type change)."""
    rng = random.Random(7)
    tags_pool = ["O", "B-A", "I-A", "E-A", "S-A", "B-B", "I-B", "E-B", "S-B"]
    for _ in range(300):
        tags = [rng.choice(tags_pool) for _ in range(rng.randint(0, 12))]
        expected: list[tuple[int, int, str]] = []
        start, label, prev = None, "", "O"
        for i, tag in enumerate([*tags, "O"]):
            prefix, type_ = ([*tag.split("-"), ""])[:2]
            closes = start is not None and (prev in "ES" or prefix in "BSO" or type_ != label)
            if closes:
                expected.append((start, i, label))
                start = None
            if prefix != "O" and (start is None or prefix in "BS"):
                start, label = i, type_
            prev = prefix
        assert keys(tags_to_spans(tags)) == expected, tags
