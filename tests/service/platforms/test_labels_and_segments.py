"""The label mapping rule and the splitting of platform texts into sentences."""

from __future__ import annotations

import random

from gateway.platforms.labels import LabelMapper
from gateway.platforms.segment import SENTENCE_END, cut, entities, segment
from xner.corpus import Span


def test_mapping_rule_keeps_maps_and_drops_in_order():
    mapper = LabelMapper(["Person", "Place", "misc", "Company"], {"ORG": "Company", "LOC": "Nowhere"})
    assert mapper("Person") == "Person"  # the project has it
    assert mapper("ORG") == "Company"  # the project's label map
    assert mapper("MISC") == "misc"  # same name ignoring case
    assert mapper("PER") == "Person"  # synonym
    assert mapper("LOC") == "Place"  # a map target the project lacks falls through to the synonyms
    assert mapper("DATE") is None and mapper("DATE") is None  # dropped, and counted
    assert mapper.dropped == {"DATE": 2}


def test_without_project_labels_every_label_is_kept():
    assert LabelMapper(None)("DATE") == "DATE"
    assert LabelMapper([], {"PER": "Person"})("PER") == "Person"


def test_segments_follow_lines_and_long_lines_are_cut_after_sentence_ends():
    text = "Ann met Bob.\r\n\r\nZoe\u0301 left . Then Carl came !"
    pieces = segment([text, ""], max_tokens=4)
    assert [p.sentence.tokens for p in pieces] == [
        ["Ann", "met", "Bob", "."],
        ["Zoe\u0301", "left", "."],
        ["Then", "Carl", "came", "!"],
    ]
    assert all(p.document == 0 for p in pieces)
    found = entities(pieces, [[Span(0, 1, "PER")], [Span(0, 1, "PER")], [Span(1, 2, "PER")]], documents=2)
    assert [text[e.start : e.end] for e in found[0]] == ["Ann", "Zoe\u0301", "Carl"]
    assert found[1] == []


def test_a_long_line_without_sentence_ends_is_cut_at_the_limit():
    pieces = segment(["a b c d e f g"], max_tokens=3)
    assert [len(p.sentence.tokens) for p in pieces] == [3, 3, 1]


def test_no_piece_exceeds_the_limit_and_no_token_is_lost():
    rng = random.Random(20251125)
    words = ["a", "bb", ".", "!", "?", "c"]
    for _ in range(2000):
        max_tokens = rng.randint(1, 6)
        tokens = [rng.choice(words) for _ in range(rng.randint(0, 30))]
        text = " ".join(tokens)
        offsets, position = [], 0
        for token in tokens:
            offsets.append((position, position + len(token)))
            position += len(token) + 1
        chunks = cut(text, offsets, max_tokens)
        assert all(1 <= len(chunk) <= max_tokens for chunk in chunks), (tokens, max_tokens)
        assert [pair for chunk in chunks for pair in chunk] == offsets


def test_a_sentence_end_just_past_the_limit_does_not_stretch_the_piece():
    pieces = segment(["a b c d ."], max_tokens=4)
    assert [p.sentence.tokens for p in pieces] == [["a", "b", "c", "d"], ["."]]
    assert "." in SENTENCE_END
