"""What ``python -m bench.speed`` claims besides its timings: every xner heuristic row (kernel on ready tables,
kernel building its tables, ``project_heuristic_corpus``, ``project_corpus`` with the heuristic) gives the
per-sentence heuristic's tags, hence the reference's wherever the heuristic agrees with it; the reference rows
agree with each other; and the count of pairs equal to the reference is not vacuous."""

from __future__ import annotations

import random

import pytest

from bench import speed
from bench.speed import ROWS, Corpus, identities, per_sentence_tags, reference_sentence_projection
from xner.corpus import Sentence, Span
from xner.project.links import Link

WORDS = ["the", "Parliament", "met", "in", "Strasbourg", "on", "Monday", "Commission", "fishing", "Barroso"]
PUNCT = [",", ".", "--", "(", ")"]
LABELS = ["PER", "ORG", "LOC", "MISC"]


def _entities(rng: random.Random, length: int) -> list[Span]:
    spans, position = [], rng.randint(0, 2)
    while position < length:
        end = min(length, position + rng.randint(1, 3))
        spans.append(Span(position, end, rng.choice(LABELS)))
        position = end + rng.randint(0, 3)
    return spans


def monotone_corpus(n: int = 40, seed: int = 0) -> Corpus:
    """Pairs on which the heuristic and the reference agree by construction: every source word aligned to one
    target word at a fixed shift (some left unaligned), words without punctuation but one punctuation-only
    target word per sentence that nothing inside an entity reaches alone."""
    rng = random.Random(seed)
    sources, targets, links = [], [], []
    for _ in range(n):
        length, shift = rng.randint(3, 15), rng.randint(0, 3)
        source = Sentence([rng.choice(WORDS) for _ in range(length)], _entities(rng, length))
        target_words = [rng.choice(WORDS) for _ in range(length + shift)] + ["."]
        dropped = {i for i in range(length) if rng.random() < 0.15}
        sources.append(source)
        targets.append(Sentence(target_words))
        links.append([(i, i + shift) for i in range(length) if i not in dropped])
    return Corpus.of(sources, targets, links)


def random_corpus(n: int = 80, seed: int = 1) -> Corpus:
    """Pairs with everything the heuristic decides differently from the reference on: gaps, many-to-many links,
    punctuation, overlapping projections of different types."""
    rng = random.Random(seed)
    sources, targets, links = [], [], []
    for _ in range(n):
        length, target_length = rng.randint(1, 15), rng.randint(1, 15)
        source = Sentence([rng.choice(WORDS) for _ in range(length)], _entities(rng, length))
        target_words = [rng.choice(WORDS + PUNCT) for _ in range(target_length)]
        pairs: list[Link] = sorted(
            {(rng.randrange(length), rng.randrange(target_length)) for _ in range(rng.randint(0, 2 * length))}
        )
        sources.append(source)
        targets.append(Sentence(target_words))
        links.append(pairs)
    return Corpus.of(sources, targets, links)


def test_every_row_gives_the_references_tags_where_the_heuristic_agrees_with_it() -> None:
    corpus = monotone_corpus()
    reference = ROWS[0].run_once(corpus)
    assert any(any(tag != "O" for tag in tags) for tags in reference)  # entities do get projected
    for row in ROWS:
        if row.heuristic or row.name.startswith("reference"):
            assert row.run_once(corpus) == reference, row.name
    found = identities(corpus)
    assert all(found[row.name].as_reference == len(corpus) for row in ROWS if row.heuristic)


def test_every_heuristic_row_gives_the_per_sentence_heuristics_tags() -> None:
    corpus = random_corpus()
    heuristic = per_sentence_tags(corpus)
    found = identities(corpus)
    for row in ROWS:
        if row.heuristic:
            assert row.run_once(corpus) == heuristic, row.name
            assert found[row.name].per_sentence == len(corpus)
        else:
            assert found[row.name].per_sentence is None  # a row that claims nothing says nothing
    reference_rows = [found[row.name].as_reference for row in ROWS if row.name.startswith("reference")]
    assert reference_rows == [len(corpus)] * 2  # building the inputs from the lists changes nothing
    assert found[speed.TABLE].as_reference < len(corpus)  # the documented choices do show on such pairs


def test_the_count_against_the_reference_sees_a_documented_choice() -> None:
    # [1, 2] + [4]: the reference does not merge (merged extent 4 > 3); the heuristic bridges the one-word gap
    corpus = Corpus.of(
        [Sentence(["a", "b", "c"], [Span(0, 3, "ORG")])],
        [Sentence(["x", "y", "z", "w", "v"])],
        [[(0, 1), (1, 2), (2, 4)]],
    )
    words, types, ids, alignment = speed.reference_input(corpus.source_words[0], corpus.spans[0], corpus.links[0])
    assert reference_sentence_projection(words, types, ids, corpus.target_words[0], alignment) == [
        "O", "B-ORG", "I-ORG", "O", "O"
    ]  # fmt: skip
    assert per_sentence_tags(corpus) == [["O", "B-ORG", "I-ORG", "I-ORG", "I-ORG"]]
    found = identities(corpus)
    assert [found[row.name].as_reference for row in ROWS if row.heuristic] == [0] * 5


def test_compare_times_every_row_and_prints_the_claims(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(speed, "pin_threads", lambda threads: f"pinned {threads}")  # no torch import here
    corpus = random_corpus(n=20)
    speed.compare(corpus.sources, {"xx": corpus.targets}, {"xx": corpus.links}, repeat=2, rounds=2)
    printed = capsys.readouterr().out
    assert "threads: pinned None" in printed and "40 sentence pairs (the corpus x2), 2 interleaved rounds" in printed
    for row in ROWS:
        assert f"| {row.label} |" in printed
        assert row.kind in (speed.KERNEL, speed.USER_PATH)
    assert printed.count("per-sentence project_heuristic 20/20") == sum(row.heuristic for row in ROWS)
