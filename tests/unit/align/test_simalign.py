"""SimAlign extraction: exactly the ``simalign`` package's matrices on random (tied and untied) inputs."""

from __future__ import annotations

import numpy as np
import pytest

from xner.align import simalign
from xner.errors import InputError, UnknownNameError

reference = pytest.importorskip("simalign.simalign").SentenceAligner


def random_matrices(count: int, seed: int, max_side: int = 60) -> list[np.ndarray]:
    """Random shapes 1..max_side; alternately continuous values and small integers (many exact ties)."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        m, n = rng.integers(1, max_side + 1, size=2)
        if k % 3 == 0:
            out.append(rng.random((m, n)))
        elif k % 3 == 1:
            out.append(rng.integers(0, 4, size=(m, n)).astype(float))
        else:
            out.append(np.round(rng.normal(size=(m, n)), 1))  # negatives and ties
    return out


def test_argmax_equals_simalign_inter() -> None:
    for sim in random_matrices(3000, seed=1):
        forward, backward = reference.get_alignment_matrix(sim)
        np.testing.assert_array_equal(simalign.argmax(sim), (forward * backward) > 0)


@pytest.mark.parametrize("max_count", [1, 2, 3, 5])
def test_itermax_equals_simalign(max_count: int) -> None:
    for sim in random_matrices(1500, seed=10 + max_count):
        expected = reference.iter_max(sim, max_count=max_count) > 0
        np.testing.assert_array_equal(simalign.itermax(sim, max_count=max_count), expected)


def test_distortion_equals_simalign() -> None:
    for k, sim in enumerate(random_matrices(1000, seed=3)):
        ratio = (0.0, 0.5, 1.0, 0.3)[k % 4]
        np.testing.assert_array_equal(simalign.distort(sim, ratio), reference.apply_distortion(sim, ratio))


def test_match_equals_simalign_on_small_matrices() -> None:
    for sim in random_matrices(1000, seed=4, max_side=12):
        np.testing.assert_array_equal(simalign.match(sim), reference.get_max_weight_match(sim) > 0)


def test_match_equals_simalign_on_large_matrices() -> None:
    # networkx (the reference) is slow on big dense graphs; a hundred cover shapes up to 60 x 60.
    for sim in random_matrices(100, seed=5):
        np.testing.assert_array_equal(simalign.match(sim), reference.get_max_weight_match(sim) > 0)


def test_match_is_a_maximum_matching() -> None:
    sim = np.array([[0.9, 0.8], [0.85, 0.1]])  # greedy would take 0.9 and leave 0.1; the optimum is 0.8 + 0.85
    np.testing.assert_array_equal(simalign.match(sim), [[False, True], [True, False]])


def test_itermax_adds_links_for_unaligned_words() -> None:
    sim = np.array([[0.9, 0.8, 0.1], [0.1, 0.2, 0.95], [0.2, 0.1, 0.3]])
    assert simalign.argmax(sim).sum() == 2
    result = simalign.itermax(sim)
    # Round 2: row 2 and column 1 are free. Cells touching one free word keep 0.9 of their similarity, the
    # rest drop to 0: (0, 1) = 0.72 and (2, 2) = 0.27 become mutual maxima and are added.
    np.testing.assert_array_equal(result, [[True, True, False], [False, False, True], [False, False, True]])


@pytest.mark.parametrize("function", [simalign.argmax, simalign.itermax, simalign.match])
def test_empty_dimensions_give_empty_results(function: object) -> None:
    assert callable(function)
    for shape in [(0, 0), (0, 3), (4, 0)]:
        result = function(np.zeros(shape))
        assert result.shape == shape and result.dtype == bool


@pytest.mark.parametrize("bad", [np.array([1.0, 2.0]), np.array([[np.nan, 1.0]]), np.array([["a"]])])
def test_bad_matrices_are_input_errors(bad: np.ndarray) -> None:
    with pytest.raises(InputError):
        simalign.argmax(bad)


def test_unknown_method_lists_valid_ones() -> None:
    with pytest.raises(UnknownNameError, match="argmax, itermax, match"):
        simalign.extractor("maxmax")


def _unique_by_resolving(sim: np.ndarray) -> np.ndarray | None:
    """The former proof of uniqueness, kept as the reference: forbid each link of the best assignment in turn and
    re-solve; unique when no alternative comes within the tolerance."""
    from scipy.optimize import linear_sum_assignment

    from xner.align import defaults

    flipped = sim.shape[0] > sim.shape[1]
    weights = np.asarray(sim.T if flipped else sim, dtype=np.float64)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    best = float(weights[rows, cols].sum())
    tolerance = defaults.MATCH_TIE_TOLERANCE * max(1.0, abs(best))
    forbidden = weights.copy()
    floor = -(2.0 * float(np.abs(weights).sum()) + 1.0)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        forbidden[i, j] = floor
        alt_rows, alt_cols = linear_sum_assignment(forbidden, maximize=True)
        forbidden[i, j] = weights[i, j]
        if bool(((alt_rows == i) & (alt_cols == j)).any()):
            continue
        if float(weights[alt_rows, alt_cols].sum()) >= best - tolerance:
            return None
    out = np.zeros(weights.shape, dtype=bool)
    out[rows, cols] = True
    return out.T if flipped else out


def test_one_solve_proves_uniqueness_exactly_as_re_solving_once_per_link_did() -> None:
    decided = 0
    for sim in random_matrices(600, seed=21, max_side=20):
        expected = _unique_by_resolving(sim)
        found = simalign._unique_assignment(sim)
        assert (found is None) == (expected is None), sim
        if expected is not None:
            np.testing.assert_array_equal(found, expected)
            decided += 1
    assert decided > 100  # most continuous inputs have a unique best; tied ones fall back to networkx
