"""The Alignment value type and the batch checks every backend shares."""

from __future__ import annotations

import numpy as np
import pytest

from xner.align.base import Alignment, check_batch
from xner.errors import FormatError, InputError, MismatchError


def test_pharaoh_round_trip_sorts_and_deduplicates() -> None:
    alignment = Alignment.from_links([(2, 1), (0, 0), (2, 1), (1, 3)])
    assert alignment.to_pharaoh() == "0-0 1-3 2-1"
    assert Alignment.from_pharaoh("0-0 1-3  2-1\n") == alignment
    assert Alignment().to_pharaoh() == "" and Alignment.from_pharaoh("") == Alignment()


@pytest.mark.parametrize("line", ["0-", "a-1", "0:1", "1-2-3"])
def test_malformed_pharaoh_is_a_format_error(line: str) -> None:
    with pytest.raises(FormatError, match="Pharaoh"):
        Alignment.from_pharaoh(line, source="x.txt", line_number=3)


def test_matrix_round_trip_keeps_scores() -> None:
    matrix = np.array([[False, True], [True, True]])
    scores = np.array([[0.0, 0.5], [0.25, 1.0]])
    alignment = Alignment.from_matrix(matrix, scores)
    assert alignment.links == ((0, 1), (1, 0), (1, 1)) and alignment.scores == (0.5, 0.25, 1.0)
    np.testing.assert_array_equal(alignment.to_matrix(2, 2), matrix)
    with pytest.raises(InputError):
        Alignment(((0, 0),), (0.1, 0.2))


def test_check_batch_errors_name_the_problem() -> None:
    check_batch([["a"], []], [["b"], ["c"]])
    with pytest.raises(MismatchError, match="2 source sentences but 1 target"):
        check_batch([["a"], ["b"]], [["c"]])
    with pytest.raises(InputError, match="target sentence 0, token 1 is not a string"):
        check_batch([["a"]], [["c", 3]])  # type: ignore[list-item]
    with pytest.raises(InputError, match="source sentence 0 must be a list"):
        check_batch(["a b"], [["c"]])
    with pytest.raises(InputError, match="source batch"):
        check_batch("a b", [["c"]])
