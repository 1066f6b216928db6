"""awesome-align's softmax extraction and the window planner of long sentences."""

from __future__ import annotations

import numpy as np
import pytest

from xner.align._windows import plan_windows
from xner.align.awesome import softmax, softmax_probabilities


def test_softmax_probabilities_normalise_each_direction() -> None:
    scores = np.random.default_rng(0).normal(size=(4, 6)) * 5
    p_st, p_ts = softmax_probabilities(scores)
    np.testing.assert_allclose(p_st.sum(axis=1), 1.0)
    np.testing.assert_allclose(p_ts.sum(axis=0), 1.0)
    expected = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(p_st, expected)


def test_softmax_links_need_both_directions_above_threshold() -> None:
    scores = np.array([[10.0, 0.0], [10.0, 0.0]])
    # Rows: each source word puts ~all mass on target 0. Columns: target 0 splits 0.5/0.5 between the sources,
    # target 1 too (equal scores), so both directions agree only on column 0.
    np.testing.assert_array_equal(softmax(scores), [[True, False], [True, False]])
    assert not softmax(scores, threshold=0.6).any()


def test_softmax_of_empty_matrix() -> None:
    assert softmax(np.zeros((0, 3))).shape == (0, 3)


WINDOW_CASES = [(5, 10, 2), (10, 10, 3), (11, 10, 3), (100, 10, 2), (37, 8, 7)]


@pytest.mark.parametrize(("length", "size", "overlap"), WINDOW_CASES)
def test_windows_cover_every_subword_exactly_once(length: int, size: int, overlap: int) -> None:
    windows = plan_windows(length, size, overlap)
    kept: list[int] = []
    for window in windows:
        assert 0 <= window.start <= window.keep_start < window.keep_end <= window.end <= length
        assert window.end - window.start <= size
        kept.extend(range(window.keep_start, window.keep_end))
    assert kept == list(range(length))


def test_windows_keep_subwords_away_from_edges() -> None:
    windows = plan_windows(30, 10, 4)
    for window in windows[1:-1]:
        assert window.keep_start - window.start >= 2 and window.end - window.keep_end >= 2
