"""The columnar tables and the table projection: the same results as the per-sentence heuristic, whatever the
order of the links, duplicate links, overlapping source entities or precomputed punctuation flags."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from xner.corpus import Span
from xner.errors import InputError
from xner.project.columnar import EntityTable, LinkTable, Outcome, TokenTable, offsets_of, slices
from xner.project.fast import project_heuristic_table, to_projections
from xner.project.heuristic import project_heuristic
from xner.project.status import Counts, Projection

Corpus = list[tuple[list[Span], int, list[str], list[tuple[int, int]]]]


def messy_corpus(seed: int, size: int = 300) -> Corpus:
    """Random sentences whose source entities may overlap and whose links are shuffled and repeated."""
    rng = random.Random(seed)
    corpus: Corpus = []
    for _ in range(size):
        n_src, n_tgt = rng.randint(0, 9), rng.randint(0, 9)
        target = [rng.choice(["a", "b", ",", "«", "c", ""]) for _ in range(n_tgt)]
        entities = []
        for _ in range(rng.randint(0, 3) if n_src else 0):
            start = rng.randrange(n_src)
            entities.append(Span(start, rng.randint(start + 1, n_src), rng.choice(["PER", "ORG", "LOC"])))
        links = [(i, j) for i in range(n_src) for j in range(n_tgt) if rng.random() < 0.3]
        links += rng.sample(links, k=min(len(links), 2))
        rng.shuffle(links)
        corpus.append((entities, n_src, target, links))
    return corpus


def tables(corpus: Corpus, *, with_punct: bool = False) -> tuple[EntityTable, np.ndarray, TokenTable, LinkTable]:
    source_offsets = offsets_of([c[1] for c in corpus])
    target = TokenTable.from_sentences([c[2] for c in corpus], with_punct=with_punct)
    links = LinkTable.from_links([c[3] for c in corpus], source_offsets, target.offsets)
    return EntityTable.from_spans([c[0] for c in corpus]), source_offsets, target, links


def summary(p: Projection) -> tuple[object, ...]:
    return ([s.key for s in p.spans], [(x.entity.key, x.reason) for x in p.lost], p.n_source, p.status, p.origin)


@pytest.mark.parametrize("with_punct", [False, True])
@pytest.mark.parametrize("gap", [0, 1, 3])
@pytest.mark.parametrize("drop_punct", [True, False])
def test_table_projection_equals_per_sentence_on_messy_corpora(with_punct: bool, gap: int, drop_punct: bool) -> None:
    corpus = messy_corpus(seed=gap * 4 + 2 * drop_punct + with_punct)
    table = project_heuristic_table(*tables(corpus, with_punct=with_punct), gap=gap, drop_punct=drop_punct)
    got = to_projections(table, [c[0] for c in corpus])
    assert len(got) == len(corpus)
    for (entities, n_src, target, links), projection in zip(corpus, got, strict=True):
        want = project_heuristic(entities, target, links, n_source=n_src, gap=gap, drop_punct=drop_punct)
        assert summary(projection) == summary(want)


def test_every_entity_has_exactly_one_outcome_and_counts_agree_with_the_statuses() -> None:
    corpus = messy_corpus(seed=11, size=500)
    table = project_heuristic_table(*tables(corpus))
    n_entities = sum(len(c[0]) for c in corpus)
    assert len(table.outcome) == n_entities
    counts = table.counts()
    assert sum(counts.values()) == n_entities
    assert counts["kept"] == len(table.entity) == len(set(table.entity.tolist()))
    by_reason = Counts.of(to_projections(table, [c[0] for c in corpus])).lost_by_reason
    for outcome in Outcome:
        if outcome is not Outcome.KEPT:
            assert counts[outcome.name.lower()] == by_reason.get(outcome.reason.value, 0)


def test_projected_spans_are_sorted_by_sentence_then_start_and_never_overlap() -> None:
    table = project_heuristic_table(*tables(messy_corpus(seed=5, size=400)))
    rows = list(zip(table.sentence.tolist(), table.start.tolist(), table.end.tolist(), strict=True))
    assert rows == sorted(rows)
    for (s1, _, e1), (s2, b2, _) in itertools.pairwise(rows):
        assert s1 != s2 or e1 <= b2


def test_links_are_sorted_by_source_and_indexed_per_source_word() -> None:
    source_offsets = offsets_of([3, 2])
    target_offsets = offsets_of([2, 4])
    links = LinkTable.from_links([[(2, 1), (0, 0), (2, 0)], [(1, 3), (0, 2)]], source_offsets, target_offsets)
    assert links.source.tolist() == [0, 2, 2, 3, 4]
    assert links.target.tolist() == [0, 1, 0, 4, 5]  # stable: the links of one word keep their order
    assert links.by_source.tolist() == [0, 1, 1, 3, 4, 5]


def test_bad_links_and_entities_name_the_sentence() -> None:
    offsets = offsets_of([2, 2])
    with pytest.raises(InputError, match=r"line 9: alignment link 1-5 is out of range \(source has 2 words, "):
        LinkTable.from_links([[], [(1, 5)]], offsets, offsets, name=["line 1", "line 9"].__getitem__)
    with pytest.raises(InputError, match=r"sentence 2: an entity is empty or past the end"):
        EntityTable.from_spans([[], [Span(1, 3, "PER")]]).check(np.diff(offsets))


def test_slices_are_repeats_and_aranges() -> None:
    rng = np.random.default_rng(3)
    for _ in range(500):
        n = int(rng.integers(0, 8))
        lo = rng.integers(0, 20, n)
        hi = lo + rng.integers(0, 4, n)
        owner, index = slices(lo, hi)
        assert owner.tolist() == np.repeat(np.arange(n), hi - lo).tolist()
        assert index.tolist() == [i for a, b in zip(lo.tolist(), hi.tolist(), strict=True) for i in range(a, b)]


def test_empty_corpus() -> None:
    table = project_heuristic_table(*tables([]))
    assert len(table.entity) == 0 and table.counts()["kept"] == 0
    assert to_projections(table, []) == []
