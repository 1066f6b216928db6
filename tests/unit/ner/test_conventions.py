"""The OntoNotes -> CoNLL span-conventions normaliser, one rule at a time, on hand-made spans."""

from __future__ import annotations

from typing import Any

import pytest

from xner.corpus import Span
from xner.errors import InputError
from xner.ner.conventions import RULES, SpanConventions


def only(rule: str) -> SpanConventions:
    """A normaliser with just ``rule`` on."""
    return SpanConventions.with_rules([rule])


def texts(words: list[str], spans: list[Span]) -> list[tuple[str, str]]:
    return [(" ".join(words[s.start : s.end]), s.label) for s in spans]


def run(conventions: SpanConventions, sentence: str, *spans: tuple[int, int, str]) -> list[tuple[str, str]]:
    words = sentence.split()
    return texts(words, conventions.normalise(words, [Span(*s) for s in spans]))


@pytest.mark.parametrize(
    ("sentence", "span", "expected"),
    [
        ("members of the European Union agree", (2, 5, "ORG"), ("European Union", "ORG")),
        ("The United States and Europe", (0, 3, "GPE"), ("United States", "GPE")),
        ("an EU directive", (0, 2, "ORG"), ("EU", "ORG")),
        ("the Union", (1, 2, "ORG"), ("Union", "ORG")),  # already CoNLL-style: unchanged
    ],
)
def test_leading_articles_are_cut(sentence: str, span: tuple[int, int, str], expected: tuple[str, str]) -> None:
    assert run(only("determiners"), sentence, span) == [expected]


def test_an_article_alone_is_dropped_and_the_rule_can_be_switched_off() -> None:
    assert run(only("determiners"), "the cat", (0, 1, "ORG")) == []
    assert run(SpanConventions(determiners=False), "the European Union", (0, 3, "ORG")) == [
        ("the European Union", "ORG")
    ]


@pytest.mark.parametrize(
    ("sentence", "span", "expected"),
    [
        ("the Parliament 's decision", (1, 3, "ORG"), "Parliament"),
        ("the Members ' votes", (1, 3, "ORG"), "Members"),
        ("the Parliament ’s decision", (1, 3, "ORG"), "Parliament"),
        ('the " Europe 2000 " plan', (1, 5, "MISC"), "Europe 2000"),  # edge quotes
        ("in ( Brussels ) today", (1, 4, "GPE"), "Brussels"),
    ],
)
def test_trailing_possessives_and_edge_punctuation_are_cut(
    sentence: str, span: tuple[int, int, str], expected: str
) -> None:
    assert run(only("possessives"), sentence, span) == [(expected, span[2])]


def test_inner_punctuation_and_inner_possessives_stay() -> None:
    sentence = "the European Union 's competition policy , Part 1 - 2"
    assert run(only("possessives"), sentence, (1, 6, "LAW")) == [("European Union 's competition policy", "LAW")]
    assert run(only("possessives"), sentence, (7, 11, "LAW")) == [("Part 1 - 2", "LAW")]


@pytest.mark.parametrize(
    ("sentence", "span", "expected"),
    [
        ("Mr Evans said", (0, 2, "PERSON"), [("Evans", "PERSON")]),
        ("Mrs. Lynne said", (0, 2, "ORG"), [("Lynne", "PERSON")]),  # the title says it is a person
        ("Mr President , thanks", (0, 2, "PERSON"), []),  # only titles: names nobody
        ("Gentleman President , thanks", (0, 1, "ORG"), []),  # Apertium's "Señor Presidente"
        ("Gentleman President , thanks", (0, 2, "ORG"), []),
        ("said President Prodi today", (1, 3, "PERSON"), [("Prodi", "PERSON")]),
        ("Lady Plooij-van Gorsel", (0, 3, "PERSON"), [("Plooij-van Gorsel", "PERSON")]),
        ("the Mr Bean show", (0, 3, "WORK_OF_ART"), [("Bean", "PERSON")]),  # article, then title
    ],
)
def test_titles_and_forms_of_address_are_not_part_of_a_name(
    sentence: str, span: tuple[int, int, str], expected: list[tuple[str, str]]
) -> None:
    assert run(SpanConventions(honorific_context=False), sentence, span) == expected


def test_office_titles_are_cut_from_persons_only() -> None:
    # an organisation named after an office keeps it: "President" is not a title of a person here
    assert run(only("titles"), "the President of the Commission", (1, 5, "ORG")) == [
        ("President of the Commission", "ORG")
    ]
    assert run(only("titles"), "Commissioner Monti", (0, 2, "PERSON")) == [("Monti", "PERSON")]


def test_the_person_label_is_configurable() -> None:
    conventions = SpanConventions(person="PER")
    assert run(conventions, "Mr Rapkay spoke", (0, 2, "LOC")) == [("Rapkay", "PER")]


@pytest.mark.parametrize(
    ("sentence", "span", "label"),
    [
        ("Mr Rapkay spoke", (1, 2, "GPE"), "PERSON"),
        ("Mrs . Flautre spoke", (2, 3, "GPE"), "PERSON"),  # a split abbreviation "Mrs ."
        ("gentleman Segni , thanks", (1, 2, "ORG"), "PERSON"),  # Apertium's "señor Segni"
        ("in Rapkay spoke", (1, 2, "GPE"), "GPE"),  # no title before: unchanged
        ("Mr and Sweden", (2, 3, "GPE"), "GPE"),  # the title is not right before the span
    ],
)
def test_a_name_after_an_honorific_is_a_person(sentence: str, span: tuple[int, int, str], label: str) -> None:
    words = sentence.split()
    assert run(only("honorific_context"), sentence, span) == [(" ".join(words[span[0] : span[1]]), label)]


def test_unchanged_spans_are_returned_as_they_are_and_changed_ones_lose_char_offsets() -> None:
    words = ["the", "European", "Union", "and", "Europe"]
    kept = Span(4, 5, "LOC", score=0.9, char_start=23, char_end=29)
    cut = Span(0, 3, "ORG", score=0.8, char_start=0, char_end=18)
    out = SpanConventions().normalise(words, [cut, kept])
    assert out[1] is kept
    assert (out[0].start, out[0].end, out[0].score, out[0].char_start) == (1, 3, 0.8, None)


def test_every_rule_off_is_the_identity() -> None:
    words = ["the", "Mr", "Evans", "'s"]
    spans = [Span(0, 4, "ORG")]
    assert SpanConventions.with_rules([]).normalise(words, spans) == spans


def test_with_rules_names_the_rules_and_rejects_unknown_ones() -> None:
    assert SpanConventions.with_rules(RULES) == SpanConventions()
    assert SpanConventions.with_rules(["titles"], person="PER") == SpanConventions(
        person="PER", determiners=False, possessives=False, titles=True, honorific_context=False
    )
    with pytest.raises(InputError, match="determiners"):
        SpanConventions.with_rules(["articles"])


def test_the_spacy_tagger_applies_the_conventions(english_tagger: Any) -> None:
    from xner.ner import load_tagger

    words = ["Mr.", "Evans", "thanked", "the", "European", "Parliament", "and", "the", "United", "Kingdom", "."]
    (spans,) = english_tagger.tag([words])
    found = texts(words, spans)
    assert ("European Parliament", "ORG") in found
    assert ("United Kingdom", "LOC") in found
    assert ("Evans", "PER") in found
    raw = load_tagger("spacy:en_core_web_sm", conventions=False)
    (raw_spans,) = raw.tag([words])
    assert any(words[s.start] == "the" for s in raw_spans)  # OntoNotes keeps "the" inside the span
    assert english_tagger.fingerprint != raw.fingerprint


def test_the_spacy_tagger_splits_words_as_its_tokenizer(english_tagger: Any) -> None:
    assert english_tagger.split_words("Mr. Evans said the Parliament's vote counts.") == [
        "Mr.", "Evans", "said", "the", "Parliament", "'s", "vote", "counts", ".",
    ]  # fmt: skip
