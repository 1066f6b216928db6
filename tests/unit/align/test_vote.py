"""The fill of the majority vote (:mod:`xner.align.vote`): which unlinked target words get a link, against a plain
per-word reading of the rule, and through the aligner."""

from __future__ import annotations

import numpy as np
import pytest

from xner.align.symmetrise import SYMMETRISERS, majority, majority_filled
from xner.align.vote import fill_unlinked


def votes_to_alignments(votes: np.ndarray, n: int) -> list[np.ndarray]:
    """``n`` boolean alignments in which cell ``(i, j)`` is present in exactly ``votes[i, j]`` of them."""
    return [votes > k for k in range(n)]


def links(matrix: np.ndarray) -> set[tuple[int, int]]:
    return {(int(i), int(j)) for i, j in zip(*np.nonzero(matrix), strict=True)}


def test_a_word_split_between_two_neighbours_is_linked_to_the_first() -> None:
    # "Member States" -> "Estados miembros": miembros has 5 votes for Member and 5 for States of 10.
    votes = np.array([[3, 5], [8, 5]])
    alignments = votes_to_alignments(votes, 10)
    assert links(majority(alignments)) == {(1, 0)}
    assert links(majority_filled(alignments, 0.7)) == {(1, 0), (0, 1)}


def test_votes_split_between_words_that_are_not_neighbours_do_not_fill() -> None:
    votes = np.array([[5], [0], [5]])
    assert links(majority_filled(votes_to_alignments(votes, 10), 0.7)) == set()
    assert links(majority_filled(votes_to_alignments(votes, 10), 0.4)) == {(0, 0)}


def test_the_share_is_strict() -> None:
    at = np.array([[4], [3]])  # 7 of 10: not more than 0.7
    above = np.array([[4], [4]])  # 8 of 10
    assert links(majority_filled(votes_to_alignments(at, 10), 0.7)) == set()
    assert links(majority_filled(votes_to_alignments(above, 10), 0.7)) == {(0, 0)}


def test_a_word_the_majority_links_gets_nothing_more() -> None:
    votes = np.array([[6, 0], [4, 0]])  # word 0 already linked; word 1 has no votes at all
    assert links(majority_filled(votes_to_alignments(votes, 10), 0.3)) == {(0, 0)}


def test_neighbours_stay_inside_their_sentence_pair() -> None:
    # two pairs of one target word each; source word 1 ends pair 0 and source word 2 begins pair 1
    source, target = np.array([1, 2]), np.array([0, 1])
    votes = np.array([5, 5])
    pair_of_source = np.array([0, 0, 1, 1])
    chosen = fill_unlinked(source, target, votes, pair_of_source, np.zeros(2, dtype=bool), 7.0)
    assert not chosen.any()
    same_pair = np.array([0, 0, 0, 0])
    chosen = fill_unlinked(source, np.array([0, 0]), votes, same_pair, np.zeros(1, dtype=bool), 7.0)
    assert chosen.tolist() == [True, False]


def reference_fill(votes: np.ndarray, n: int, share: float) -> set[tuple[int, int]]:
    """The rule read word by word: the majority, then each unlinked target word's most voted source word (first on
    ties) when it and its better neighbour hold more than ``share * n`` votes."""
    kept = links(votes * 2 > n)
    linked = {j for _, j in kept}
    for j in range(votes.shape[1]):
        column = votes[:, j]
        if j in linked or not column.any():
            continue
        i = int(np.argmax(column))
        neighbour = max(column[i - 1] if i > 0 else 0, column[i + 1] if i + 1 < len(column) else 0)
        if column[i] + neighbour > share * n:
            kept.add((i, j))
    return kept


@pytest.mark.parametrize("seed", range(40))
def test_the_vectorised_fill_is_the_rule_read_word_by_word(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 11))
    votes = rng.integers(0, n + 1, size=(int(rng.integers(1, 7)), int(rng.integers(1, 7))))
    votes[rng.random(votes.shape) < 0.5] = 0
    share = float(rng.choice([0.3, 0.5, 0.7]))
    assert links(majority_filled(votes_to_alignments(votes, n), share)) == reference_fill(votes, n, share)


def test_a_forward_and_reverse_pair_can_be_filled_by_name() -> None:
    forward = np.array([[True], [False]])
    reverse = np.array([[False], [True]])  # the two directions disagree on neighbouring source words
    assert links(SYMMETRISERS["majority"](forward, reverse)) == set()
    assert links(SYMMETRISERS["majority-fill"](forward, reverse)) == {(0, 0)}
