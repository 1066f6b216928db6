"""The vectorised corpus heuristic gives exactly the per-sentence heuristic's projections."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from xner import formats
from xner.corpus import Span
from xner.errors import InputError
from xner.project.fast import project_heuristic_corpus
from xner.project.heuristic import project_heuristic
from xner.project.status import Projection


def summary(p: Projection) -> tuple[object, ...]:
    return ([s.key for s in p.spans], [(x.entity.key, x.reason) for x in p.lost], p.n_source, p.status)


def random_sentence(rng: random.Random) -> tuple[list[Span], int, list[str], list[tuple[int, int]]]:
    n_src, n_tgt = rng.randint(1, 9), rng.randint(1, 9)
    target = [rng.choice(["a", "b", ",", "«", "c"]) for _ in range(n_tgt)]
    entities: list[Span] = []
    position = 0
    while position < n_src:
        length = rng.randint(1, 3)
        if rng.random() < 0.5 and position + length <= n_src:
            entities.append(Span(position, position + length, rng.choice(["PER", "ORG"])))
        position += length
    links = [(i, j) for i in range(n_src) for j in range(n_tgt) if rng.random() < 0.25]
    return entities, n_src, target, links


@pytest.mark.parametrize("gap", [0, 1, 2])
@pytest.mark.parametrize("drop_punct", [True, False])
def test_fast_equals_per_sentence_on_random_corpora(gap: int, drop_punct: bool) -> None:
    rng = random.Random(gap * 10 + drop_punct)
    corpus = [random_sentence(rng) for _ in range(400)]
    fast = project_heuristic_corpus(
        [c[0] for c in corpus],
        [c[1] for c in corpus],
        [c[2] for c in corpus],
        [c[3] for c in corpus],
        gap=gap,
        drop_punct=drop_punct,
    )
    for (entities, n_src, target, links), got in zip(corpus, fast, strict=True):
        want = project_heuristic(entities, target, links, n_source=n_src, gap=gap, drop_punct=drop_punct)
        assert summary(got) == summary(want)


def test_fast_equals_per_sentence_on_europarl(europarl_dir: Path) -> None:
    english = list(formats.read(europarl_dir / "en-europarl.test.conll02", "conll"))
    italian = list(formats.read(europarl_dir / "it-europarl.test.conll02", "conll"))
    rng = random.Random(7)  # a noisy diagonal alignment stands in for a real one
    links = [
        [(i, min(len(t) - 1, max(0, i + rng.randint(-2, 2)))) for i in range(len(s)) if rng.random() < 0.8]
        for s, t in zip(english, italian, strict=True)
    ]
    fast = project_heuristic_corpus(
        [s.spans for s in english], [len(s) for s in english], [t.tokens for t in italian], links
    )
    for s, t, a, got in zip(english, italian, links, fast, strict=True):
        assert summary(got) == summary(project_heuristic(s.spans, t.tokens, a, n_source=len(s)))


def test_fast_names_the_bad_sentence() -> None:
    with pytest.raises(InputError, match=r"sentence 2: alignment link 0-3 is out of range"):
        project_heuristic_corpus([[], [Span(0, 1, "PER")]], [1, 1], [["a"], ["b"]], [[(0, 0)], [(0, 3)]])


def test_corpus_without_any_usable_link_drops_every_entity():
    from xner.corpus import Sentence, Span
    from xner.project import project_corpus

    sources = [Sentence(tokens=["Kofi", "Annan"], spans=[Span(0, 2, "PER")]), Sentence(tokens=[])]
    targets = [Sentence(tokens=["Kofi", "Annan"]), Sentence(tokens=[])]
    for alignments in ([[], []], [[(0, 0)], []]):
        if alignments[0]:
            targets = [Sentence(tokens=[".", "Annan"]), Sentence(tokens=[])]  # only a punctuation link
        result = project_corpus(sources, targets, alignments, method="heuristic")
        assert [p.status.value for p in result.projections] == ["dropped", "projected"]
        assert result.sentences[0].spans == []
