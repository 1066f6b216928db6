"""Corpus-level projection: statuses in meta, counts, mismatches, tagger requirement."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from xner.corpus import Sentence, Span
from xner.errors import InputError, MismatchError, UnknownNameError
from xner.project import CandidateOptions, project_corpus


def corpus() -> tuple[list[Sentence], list[Sentence], list[list[tuple[int, int]]]]:
    sources = [
        Sentence(["Prodi", "in", "Rome"], spans=[Span(0, 1, "PER"), Span(2, 3, "LOC")], meta={"line": 1}),
        Sentence(["Hello", "Europe"], spans=[Span(1, 2, "LOC")], meta={"line": 5}),
        Sentence(["Nothing"], meta={"line": 8}),
    ]
    targets = [
        Sentence(["Prodi", "a", "Roma"], spans=[Span(1, 2, "MISC")], tags=["O", "B-MISC", "O"], meta={"line": 1}),
        Sentence(["Ciao", "tutti"], meta={"line": 5}),
        Sentence(["Niente"], meta={"line": 8}),
    ]
    links = [[(0, 0), (2, 2)], [(0, 0)], []]
    return sources, targets, links


@pytest.mark.parametrize("method", ["heuristic", "heuristic-paper", "candidates"])
def test_statuses_and_counts(method: str) -> None:
    sources, targets, links = corpus()
    result = project_corpus(sources, targets, links, method=method)
    assert [s.key for s in result.sentences[0].spans] == [(0, 1, "PER"), (2, 3, "LOC")]
    assert result.sentences[0].tags is None  # input tags are discarded
    assert [s.meta["projection"]["status"] for s in result.sentences] == ["projected", "dropped", "projected"]
    counts = result.counts
    assert (counts.sentences_in, counts.projected, counts.partial, counts.dropped) == (3, 2, 0, 1)
    assert (counts.entities_in, counts.entities_out) == (3, 2)
    assert counts.dropped_by_reason == {"no entity projected": 1}
    assert targets[0].spans == [Span(1, 2, "MISC")]  # inputs are not modified


def test_mismatched_counts_and_bad_links_are_named() -> None:
    sources, targets, links = corpus()
    with pytest.raises(MismatchError, match="3 sentence pairs but 2 alignment lines"):
        project_corpus(sources, targets, links[:2])
    links[1] = [(0, 5)]
    with pytest.raises(InputError, match=r"sentence 2 \(source line 5, target line 5\): alignment link 0-5"):
        project_corpus(sources, targets, links)


def test_unknown_method_and_missing_tagger() -> None:
    sources, targets, links = corpus()
    with pytest.raises(UnknownNameError, match="projection method 'magic'"):
        project_corpus(sources, targets, links, method="magic")
    with pytest.raises(InputError, match="need a tagger"):
        project_corpus(sources, targets, links, options=CandidateOptions(candidates="ner"))


class FixedTagger:
    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        return [[Span(0, len(s), "X", score=0.9)] for s in sentences]


def test_ner_candidates_come_from_the_tagger_in_one_call() -> None:
    sources = [Sentence(["European", "Union"], spans=[Span(0, 2, "ORG")])]
    targets = [Sentence(["Unione", "europea"])]
    links = [[(0, 1)]]  # a weak alignment: only one word
    ngram = project_corpus(sources, targets, links, options=CandidateOptions(candidates="ngram"))
    assert [s.key for s in ngram.sentences[0].spans] == [(1, 2, "ORG")]
    ner = project_corpus(sources, targets, links, options=CandidateOptions(candidates="ner"), tagger=FixedTagger())
    assert [s.key for s in ner.sentences[0].spans] == [(0, 2, "ORG")]
