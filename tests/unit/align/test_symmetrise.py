"""Symmetrisation heuristics on hand-checked examples."""

from __future__ import annotations

import numpy as np
import pytest

from xner.align.symmetrise import SYMMETRISERS, canonical, majority, symmetrise
from xner.errors import InputError, UnknownNameError


def matrix(links: set[tuple[int, int]], shape: tuple[int, int] = (4, 4)) -> np.ndarray:
    out = np.zeros(shape, dtype=bool)
    for i, j in links:
        out[i, j] = True
    return out


def links(m: np.ndarray) -> set[tuple[int, int]]:
    return {(int(i), int(j)) for i, j in zip(*np.nonzero(m), strict=True)}


FWD = matrix({(0, 0), (1, 1), (1, 2), (3, 3)})
REV = matrix({(0, 0), (1, 1), (2, 1), (2, 3)})


def test_intersection_and_union() -> None:
    assert links(symmetrise(FWD, REV, "intersection")) == {(0, 0), (1, 1)}
    assert links(symmetrise(FWD, REV, "union")) == {(0, 0), (1, 1), (1, 2), (2, 1), (3, 3), (2, 3)}


def test_grow_diag_grows_along_neighbours_through_newly_aligned_words() -> None:
    # (1,2) and (2,1) touch (1,1) and an unaligned word; then (2,3) touches (1,2) and unaligned target 3;
    # then (3,3) touches (2,3) and unaligned source 3: the growth chains within one sweep.
    assert links(symmetrise(FWD, REV, "grow-diag")) == links(FWD | REV)


def test_grow_diag_needs_an_unaligned_word_and_final_and_needs_two() -> None:
    fwd = matrix({(0, 0), (1, 1), (0, 1)})
    rev = matrix({(0, 0), (1, 1), (3, 3)})
    # (0,1) neighbours (0,0) but both its words are aligned; (3,3) neighbours no link.
    assert links(symmetrise(fwd, rev, "grow-diag")) == {(0, 0), (1, 1)}
    # final(-and): (3,3) joins two unaligned words; (0,1) joins two aligned ones.
    assert links(symmetrise(fwd, rev, "grow-diag-final-and")) == {(0, 0), (1, 1), (3, 3)}
    assert links(symmetrise(fwd, rev, "grow-diag-final")) == {(0, 0), (1, 1), (3, 3)}


def test_grow_diag_final_adds_when_one_side_is_unaligned() -> None:
    fwd = matrix({(0, 0), (2, 0)}, (3, 2))
    rev = matrix({(0, 0)}, (3, 2))
    assert links(symmetrise(fwd, rev, "grow-diag-final-and")) == {(0, 0)}  # target 0 is aligned
    assert links(symmetrise(fwd, rev, "grow-diag-final")) == {(0, 0), (2, 0)}  # source 2 is not


def test_majority_votes_over_many_alignments() -> None:
    a, b, c = matrix({(0, 0), (1, 1)}), matrix({(0, 0), (2, 2)}), matrix({(1, 1)})
    assert links(majority([a, b, c])) == {(0, 0), (1, 1)}
    assert links(majority([a, b])) == {(0, 0)}  # a strict majority of two is both
    assert links(symmetrise(FWD, REV, "majority")) == links(symmetrise(FWD, REV, "intersection"))


def test_one_direction_and_aliases() -> None:
    assert links(symmetrise(FWD, REV, "forward")) == links(FWD)
    assert links(symmetrise(FWD, REV, "reverse")) == links(REV)
    assert canonical("gdfa") == "grow-diag-final-and"


def test_every_heuristic_stays_within_the_union_and_contains_the_intersection() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        shape = tuple(rng.integers(1, 12, size=2))
        fwd, rev = rng.random(shape) < 0.2, rng.random(shape) < 0.2
        for name in SYMMETRISERS:
            result = symmetrise(fwd, rev, name)
            assert not (result & ~(fwd | rev)).any(), name
            if name not in ("forward", "reverse"):
                assert not ((fwd & rev) & ~result).any(), name


def test_errors() -> None:
    with pytest.raises(UnknownNameError, match="grow-diag-final-and"):
        symmetrise(FWD, REV, "diagonal")
    with pytest.raises(InputError, match="one shape"):
        symmetrise(FWD, REV[:2], "union")
