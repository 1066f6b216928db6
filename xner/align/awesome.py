"""awesome-align's softmax extraction (Dou & Neubig, EACL 2021, ``awesome_align/modeling.py``).

With ``S = X Yᵀ`` the raw dot products of source and target vectors, ``P_st`` is the softmax of ``S`` over the
target axis and ``P_ts`` over the source axis. The forward links are ``P_st > threshold``, the reverse links
``P_ts > threshold``; awesome-align keeps their intersection.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from xner.align import defaults
from xner.errors import InputError

FloatMatrix = npt.NDArray[np.floating]
BoolMatrix = npt.NDArray[np.bool_]


def softmax_probabilities(scores: npt.ArrayLike) -> tuple[FloatMatrix, FloatMatrix]:
    """``(P_st, P_ts)``: the softmax of ``scores`` over the target axis (rows sum to 1) and the source axis."""
    array = np.asarray(scores)
    if array.ndim != 2:
        raise InputError(f"a score matrix must be 2-D, got shape {array.shape}")
    if array.size == 0:
        empty = np.zeros(array.shape, dtype=np.float64)
        return empty, empty.copy()
    if not np.isfinite(array).all():
        raise InputError("a score matrix must be finite (it has NaN or infinity)")
    row = np.exp(array - array.max(axis=1, keepdims=True))
    col = np.exp(array - array.max(axis=0, keepdims=True))
    return row / row.sum(axis=1, keepdims=True), col / col.sum(axis=0, keepdims=True)


def softmax_directions(
    scores: npt.ArrayLike, threshold: float = defaults.SOFTMAX_THRESHOLD
) -> tuple[BoolMatrix, BoolMatrix]:
    """The forward and reverse links of the softmax extraction (before symmetrisation)."""
    forward, reverse = softmax_probabilities(scores)
    return forward > threshold, reverse > threshold


def softmax(scores: npt.ArrayLike, threshold: float = defaults.SOFTMAX_THRESHOLD) -> BoolMatrix:
    """awesome-align: cells whose probability exceeds ``threshold`` in both directions."""
    forward, reverse = softmax_directions(scores, threshold)
    return forward & reverse
