"""Greedy and exact matching: hand-made cases, and exact = brute-force optimum >= greedy on random cases."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from xner.errors import UnknownNameError
from xner.project.matching import assignment_score, exact_match, greedy_match, is_valid, match

Candidates = list[tuple[int, int]]


def brute_force(scores: np.ndarray, candidates: Candidates) -> float:
    """The best total over every valid assignment (each entity: one candidate with score > 0, or none)."""
    options = [[-1, *[n for n in range(scores.shape[1]) if scores[k, n] > 0]] for k in range(scores.shape[0])]
    best = 0.0
    for assignment in itertools.product(*options):
        chosen = [n for n in assignment if n >= 0]
        if len(set(chosen)) == len(chosen) and is_valid(list(assignment), candidates):
            best = max(best, assignment_score(scores, assignment))
    return best


def test_greedy_takes_the_best_pair_first_and_blocks_overlaps() -> None:
    candidates = [(0, 2), (1, 3), (3, 4)]
    scores = np.array([[0.9, 0.0, 0.0], [0.8, 0.7, 0.1]])
    assert greedy_match(scores, candidates) == [0, 2]  # (1,3) overlaps (0,2): entity 1 falls back to (3,4)


def test_greedy_breaks_ties_row_major() -> None:
    candidates = [(0, 1), (2, 3)]
    scores = np.array([[0.5, 0.5], [0.5, 0.5]])
    assert greedy_match(scores, candidates) == [0, 1]


def test_exact_beats_greedy_where_greedy_is_myopic() -> None:
    candidates = [(0, 2), (0, 1), (1, 2)]
    scores = np.array([[1.0, 0.9, 0.0], [0.0, 0.0, 0.9]])
    greedy = greedy_match(scores, candidates)
    exact = exact_match(scores, candidates)
    assert greedy == [0, -1]
    assert exact == [1, 2]
    assert assignment_score(scores, exact) == pytest.approx(1.8)


def test_no_positive_scores_means_no_assignment() -> None:
    scores = np.zeros((2, 3))
    assert exact_match(scores, [(0, 1), (1, 2), (2, 3)]) == [-1, -1]
    assert greedy_match(scores, [(0, 1), (1, 2), (2, 3)]) == [-1, -1]
    assert exact_match(np.zeros((1, 0)), []) == [-1]


def test_a_candidate_is_used_at_most_once() -> None:
    scores = np.array([[0.9], [0.8]])
    assert exact_match(scores, [(0, 2)]) == [0, -1]


@pytest.mark.parametrize("seed", range(150))
def test_exact_is_optimal_and_never_below_greedy(seed: int) -> None:
    rng = random.Random(seed)
    n_words = rng.randint(2, 7)
    all_spans = [(a, b) for a in range(n_words) for b in range(a + 1, min(n_words, a + 3) + 1)]
    candidates = rng.sample(all_spans, k=min(len(all_spans), rng.randint(1, 6)))
    n_entities = rng.randint(1, 4)
    scores = np.array(
        [[rng.choice([0.0, rng.random(), round(rng.random(), 1)]) for _ in candidates] for _ in range(n_entities)]
    )
    exact = exact_match(scores, candidates)
    greedy = greedy_match(scores, candidates)
    assert is_valid(exact, candidates) and is_valid(greedy, candidates)
    assert all(n < 0 or scores[k, n] > 0 for k, n in enumerate(exact))
    assert assignment_score(scores, exact) >= assignment_score(scores, greedy) - 1e-9
    assert assignment_score(scores, exact) == pytest.approx(brute_force(scores, candidates), abs=1e-9)


def test_unknown_matching_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownNameError, match="exact, greedy"):
        match("hungarian", np.zeros((1, 1)), [(0, 1)])
