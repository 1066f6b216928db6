"""The corpus path of the candidates method and the matching short-cuts: the same results as the per-sentence path
and the solver, on hand-made and seeded random cases (and on Europarl sentences when the data is there)."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest

from xner import formats
from xner.corpus import Span
from xner.errors import InputError
from xner.project.candidate_options import CandidateOptions
from xner.project.candidates import TokenFlags, ngram_candidates, ngram_table
from xner.project.candidates_fast import _row_ids, project_candidates_corpus, project_candidates_each
from xner.project.columnar import offsets_of
from xner.project.matching import (
    assignment_score,
    best_candidates,
    dp_optimum,
    exact_match,
    greedy_match,
    is_valid,
    solve_milp,
)
from xner.project.status import Reason

TOKENS = [
    "a",
    "b",
    "Rome",
    "rome",
    "Roma",
    "eRoma",
    "EU",
    "UE",
    ",",
    ".",
    "?",
    "(",
    ")",
    '"',
    "«",
    "»",
    "„",
    "“",
    "”",
    "-",
    "x",
]
"""Words, their spelling variants (one behind a lower-case prefix), punctuation, sentence-final tokens, brackets and
quotes of every kind."""


def ngrams_per_sentence(sentences: list[list[str]], limits: list[int], trim: bool) -> list[list[tuple[int, int]]]:
    offsets = offsets_of([len(s) for s in sentences])
    flags = TokenFlags.of([w for s in sentences for w in s])
    start, end = ngram_table(offsets, np.array(limits, dtype=np.int64), flags, trim_punct=trim)
    sentence = np.searchsorted(offsets, start, side="right") - 1
    found: list[list[tuple[int, int]]] = [[] for _ in sentences]
    for k, a, b in zip(sentence.tolist(), start.tolist(), end.tolist(), strict=True):
        found[k].append((a - int(offsets[k]), b - int(offsets[k])))
    return found


def test_ngram_table_keeps_bracketed_ngrams_like_the_sentence_rule() -> None:
    sentences = [["(", "COM", "(", "1999", ")", "148", ")"], ["a", "„", "b", "“", "c", "”"], [], ["a", ".", "b"]]
    for trim in (True, False):
        assert ngrams_per_sentence(sentences, [10, 4, 3, 2], trim) == [
            ngram_candidates(s, limit, trim_punct=trim) for s, limit in zip(sentences, [10, 4, 3, 2], strict=True)
        ]


@pytest.mark.parametrize("seed", range(4))
def test_ngram_table_equals_ngram_candidates_on_random_sentences(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(150):
        sentences = [[rng.choice(TOKENS) for _ in range(rng.randint(0, 12))] for _ in range(rng.randint(1, 4))]
        limits = [rng.randint(1, 7) for _ in sentences]
        trim = rng.random() < 0.8
        expected = [ngram_candidates(s, limit, trim_punct=trim) for s, limit in zip(sentences, limits, strict=True)]
        assert ngrams_per_sentence(sentences, limits, trim) == expected


def test_token_flags_pick_brackets_and_partners() -> None:
    flags = TokenFlags.of(["(", ")", "a", ".", "„", "“"])
    assert flags.blocked.tolist() == [False, False, False, True, False, False]
    assert flags.punct.tolist() == [True, True, False, True, True, True]
    assert flags.opens[0] == flags.code[1] and flags.partner[1] == flags.code[0]
    assert flags.opens[4] == flags.code[5] and flags.opens[5] >= 0  # “ closes „ and opens ”
    assert flags.take(np.array([2, 0])).code.tolist() == [-1, int(flags.code[0])]


def test_row_ids_tell_rows_apart() -> None:
    values = np.array([1, 2, 1, 2, 1, 1, 2, 2, 7], dtype=np.int64)
    offsets = np.array([0, 2, 4, 5, 7, 8, 9], dtype=np.int64)  # [1,2] [1,2] [1] [1,2] [2] [7]
    ids = _row_ids(values, offsets).tolist()
    assert ids[0] == ids[1] == ids[3]
    assert len({ids[0], ids[2], ids[4], ids[5]}) == 4


# -- matching short-cuts -------------------------------------------------------------------------------------------


def random_problem(rng: random.Random, ties: bool) -> tuple[np.ndarray, list[tuple[int, int]]]:
    n_words = rng.randint(2, 9)
    spans = [(a, b) for a in range(n_words) for b in range(a + 1, min(n_words, a + 4) + 1)]
    candidates = rng.sample(spans, k=min(len(spans), rng.randint(1, 10)))
    values = [0.0, 0.5, 1.0] if ties else [0.0, 0.0]
    scores = np.array([[rng.choice([*values, rng.random()]) for _ in candidates] for _ in range(rng.randint(1, 5))])
    return scores, candidates


def brute_force(scores: np.ndarray, candidates: list[tuple[int, int]]) -> float:
    options = [[-1, *[n for n in range(scores.shape[1]) if scores[k, n] > 0]] for k in range(scores.shape[0])]
    return max(
        assignment_score(scores, list(a))
        for a in itertools.product(*options)
        if len({n for n in a if n >= 0}) == sum(n >= 0 for n in a) and is_valid(list(a), candidates)
    )


def test_disjoint_best_candidates_are_the_exact_and_the_greedy_matching() -> None:
    rng = random.Random(7)
    checked = 0
    for _ in range(400):
        scores, candidates = random_problem(rng, ties=rng.random() < 0.5)
        best = best_candidates(scores)
        if not is_valid(best, candidates):
            continue
        checked += 1
        assert best == greedy_match(scores, candidates) == exact_match(scores, candidates)
        assert assignment_score(scores, best) == pytest.approx(brute_force(scores, candidates), abs=1e-9)
    assert checked > 100


def test_the_dynamic_program_reaches_the_solvers_optimum() -> None:
    rng = random.Random(11)
    solved = 0
    for _ in range(300):
        scores, candidates = random_problem(rng, ties=rng.random() < 0.5)
        if is_valid(best_candidates(scores), candidates):
            continue
        optimum = dp_optimum(scores, candidates)
        assert optimum is not None
        solved += 1
        assert is_valid(optimum, candidates)
        assert assignment_score(scores, optimum) == pytest.approx(brute_force(scores, candidates), abs=1e-9)
        solver = solve_milp(scores, candidates)
        assert assignment_score(scores, optimum) == pytest.approx(assignment_score(scores, solver), abs=1e-9)
    assert solved > 50


def test_ties_are_broken_in_the_programs_order_and_wide_problems_go_to_the_solver() -> None:
    candidates = [(0, 1), (1, 2), (0, 2)]
    tie = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0]])  # two optimal assignments
    assert dp_optimum(tie, candidates) == exact_match(tie, candidates) == [1, 0]
    assert dp_optimum(tie[::-1].copy(), candidates) == [1, 0]  # the order, not the rows' content, decides
    same = np.array([[0.0, 0.0, 0.5], [0.0, 0.0, 0.5]])  # one candidate, two identical entities
    assert dp_optimum(same, candidates) == [2, -1]
    clear = np.array([[1.0, 0.2, 0.9], [0.8, 0.3, 0.0]])  # both want (0, 1); 1.0 + 0.3 beats 0.2 + 0.8
    assert dp_optimum(clear, candidates) == solve_milp(clear, candidates) == [0, 1]
    assert dp_optimum(clear, candidates, max_entities=1) is None


def test_pruning_keeps_the_inner_candidate() -> None:
    # entity 0: (1, 2) scores far more than the (0, 3) around it, which would block entity 1
    candidates = [(0, 3), (1, 2), (0, 1), (2, 3)]
    scores = np.array([[0.6, 1.0, 0.0, 0.0], [0.0, 0.9, 0.7, 0.2]])
    assert dp_optimum(scores, candidates) == solve_milp(scores, candidates) == [1, 2]


# -- the corpus path -----------------------------------------------------------------------------------------------


def random_corpus(
    rng: random.Random, n: int
) -> tuple[list[list[Span]], list[list[str]], list[list[str]], list[list[tuple[int, int]]]]:
    """Sentences drawn from a small vocabulary, so entity texts repeat and the consistency memory fills."""
    entities, sources, targets, links = [], [], [], []
    for _ in range(n):
        source = [rng.choice(TOKENS) for _ in range(rng.randint(1, 9))]
        target = [rng.choice(TOKENS) for _ in range(rng.randint(0, 12))]
        spans: list[Span] = []
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            start = rng.randrange(len(source))
            spans.append(Span(start, rng.randint(start + 1, min(len(source), start + 3)), rng.choice(["PER", "LOC"])))
        pairs = (
            [(rng.randrange(len(source)), rng.randrange(len(target))) for _ in range(rng.randint(0, 8))]
            if target
            else []
        )
        entities.append(spans)
        sources.append(source)
        targets.append(target)
        links.append(pairs + pairs[:1])  # a repeated link counts once
    return entities, sources, targets, links


OPTIONS = {
    "default": CandidateOptions(),
    "greedy": CandidateOptions(matching="greedy"),
    "paper": CandidateOptions.paper(),
    "no-trim": CandidateOptions(trim_punct=False, adaptive_len=False, max_len=3),
    "thresholds": CandidateOptions(
        weights={"surface": 1.0, "consistency": 0.7, "align": 0.3},
        thresholds={"surface": 0.2, "consistency": 0.3, "align": 0.5},
        threshold=0.1,
    ),
    "signed": CandidateOptions(
        weights={"align": 1.0, "surface": -0.4, "consistency": 0.6},
        thresholds={"align": -0.2, "surface": 0.1},
        threshold=-0.1,
    ),
    "none": CandidateOptions(weights={"ner": 1.0}),
}


@pytest.mark.parametrize("name", list(OPTIONS))
def test_corpus_path_equals_the_sentence_path(name: str) -> None:
    rng = random.Random(name)
    corpus = random_corpus(rng, 120)
    options = OPTIONS[name]
    fast = project_candidates_corpus(*corpus, options)
    slow = project_candidates_each(*corpus, options)
    assert fast == slow
    assert [p.to_meta() for p in fast] == [p.to_meta() for p in slow]
    assert sum(len(p.spans) for p in fast) > 0 or name == "none"
    if options.case_repair == "misc" and name != "none":  # case repair dropped names on both paths alike
        assert any(x.reason is Reason.LOWER_CASE for p in fast for x in p.lost)


def test_words_with_spaces_and_ner_candidates_take_the_sentence_path() -> None:
    entities = [[Span(0, 2, "ORG")], [Span(0, 2, "ORG")]]
    sources = [["European", "Union"], ["European", "Union"]]
    targets = [["Unione", "europea"], ["l' Unione", "europea"]]
    links = [[(0, 1), (1, 0)], [(0, 1), (1, 0)]]
    options = CandidateOptions()
    assert project_candidates_corpus(entities, sources, targets, links, options) == project_candidates_each(
        entities, sources, targets, links, options
    )
    ner = [[Span(0, 2, "ORG", score=0.9)], []]
    with_ner = CandidateOptions(candidates="both")
    assert project_candidates_corpus(
        entities, sources, targets, links, with_ner, ner_spans=ner
    ) == project_candidates_each(entities, sources, targets, links, with_ner, ner_spans=ner)


def test_errors_name_the_first_bad_sentence() -> None:
    entities = [[Span(0, 1, "PER")], [Span(0, 3, "PER")], [Span(0, 1, "PER")]]
    sources, targets = [["a"], ["a"], ["a"]], [["x"], ["x"], ["x"]]
    with pytest.raises(InputError, match="sentence 2: entity"):
        project_candidates_corpus(entities, sources, targets, [[], [], [(0, 4)]])
    with pytest.raises(InputError, match=r"line 1: alignment link 0-4"):
        project_candidates_corpus(entities, sources, targets, [[(0, 4)], [], []], name=lambda k: f"line {k + 1}")


def test_an_empty_corpus_and_sentences_without_entities() -> None:
    assert project_candidates_corpus([], [], [], []) == []
    projections = project_candidates_corpus([[]], [["a"]], [["x"]], [[(0, 0)]])
    assert projections[0].spans == [] and projections[0].n_source == 0
    empty_target = ([[Span(0, 1, "PER")]], [["Prodi"]], [[]], [[]])
    assert project_candidates_corpus(*empty_target) == project_candidates_each(*empty_target, CandidateOptions())
    assert project_candidates_corpus(*empty_target)[0].lost[0].reason == "no-candidate"


@pytest.mark.parametrize("lang", ["de", "es", "it"])
def test_corpus_path_on_europarl_sentences(europarl_dir: Path, lang: str) -> None:
    english = list(formats.read(europarl_dir / "en-europarl.test.conll02", "conll"))[:150]
    target = list(formats.read(europarl_dir / f"{lang}-europarl.test.conll02", "conll"))[:150]
    # links along the diagonal: real words, brackets and quotes, without running an aligner
    links = [
        [(i, i * len(t) // len(s)) for i in range(len(s))] if len(t) else []
        for s, t in zip(english, target, strict=True)
    ]
    corpus = ([s.spans for s in english], [s.tokens for s in english], [t.tokens for t in target], links)
    for options in (CandidateOptions(), CandidateOptions(matching="greedy")):
        assert project_candidates_corpus(*corpus, options) == project_candidates_each(*corpus, options)
