"""Orthographic links: identical or near-identical words (names, numbers, cognates) across a sentence pair.

Statistical aligners trained on a few hundred sentences see most names once and cannot learn them; their
spelling says what the statistics cannot. Words are compared after case and accent folding:

* numbers (a digit and no letter) link when their digits and inner punctuation agree (``17.`` = ``17``);
* other words of at least :data:`~xner.align.defaults.ORTHO_MIN_LENGTH` characters link when they start with the
  same letter and their :class:`difflib.SequenceMatcher` ratio is at least
  :data:`~xner.align.defaults.ORTHO_MIN_SIMILARITY` (``Barroso`` = ``Barroso``, ``Kommission`` ~ ``Commission``
  fails on the first letter, ``Parlament`` ~ ``Parlamento`` links).

Each word takes part in at most one link: the links are a maximum-weight one-to-one matching of the candidate
pairs, preferring pairs at similar relative positions when a word occurs more than once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from xner.align import defaults
from xner.align.defaults import ORTHOGRAPHIC_POSITION_WEIGHT


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Case- and accent-folded form of ``word`` (``Éire`` -> ``eire``)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _number_key(folded: str) -> str | None:
    if not any(c.isdigit() for c in folded) or any(c.isalpha() for c in folded):
        return None
    return folded.strip(".,;:!?()[]\"'")


def similarity(a: str, b: str, min_similarity: float, min_length: int) -> float:
    """How near-identical two folded words are, in [0, 1]; 0 when they do not qualify for a link."""
    if a == b:
        if _number_key(a) is not None:
            return 1.0
        return 1.0 if len(a) >= min_length else 0.0
    number_a, number_b = _number_key(a), _number_key(b)
    if number_a is not None or number_b is not None:
        return 1.0 if number_a and number_a == number_b else 0.0
    if len(a) < min_length or len(b) < min_length or a[0] != b[0] or not a[0].isalpha():
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < min_similarity or matcher.quick_ratio() < min_similarity:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= min_similarity else 0.0


def orthographic_links(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    min_similarity: float = defaults.ORTHO_MIN_SIMILARITY,
    min_length: int = defaults.ORTHO_MIN_LENGTH,
) -> npt.NDArray[np.bool_]:
    """A boolean ``len(src) x len(tgt)`` matrix of one-to-one orthographic links (see the module docstring)."""
    from scipy.optimize import linear_sum_assignment

    m, n = len(src), len(tgt)
    links = np.zeros((m, n), dtype=bool)
    if m == 0 or n == 0:
        return links
    src_folded = [fold(w) for w in src]
    tgt_folded = [fold(w) for w in tgt]
    scores = np.zeros((m, n))
    for i, a in enumerate(src_folded):
        for j, b in enumerate(tgt_folded):
            scores[i, j] = similarity(a, b, min_similarity, min_length)
    if not scores.any():
        return links
    src_pos = np.arange(m) / max(1, m - 1)
    tgt_pos = np.arange(n) / max(1, n - 1)
    weights = np.where(
        scores > 0, scores - ORTHOGRAPHIC_POSITION_WEIGHT * np.abs(src_pos[:, None] - tgt_pos[None, :]), 0.0
    )
    chosen_rows, chosen_cols = linear_sum_assignment(weights, maximize=True)
    keep = scores[chosen_rows, chosen_cols] > 0
    links[chosen_rows[keep], chosen_cols[keep]] = True
    return links


def apply_orthographic(links: npt.NDArray[np.bool_], ortho: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """``links`` where each orthographic link replaces every other link of its two words."""
    result = links.copy()
    rows, cols = np.nonzero(ortho)
    result[rows, :] = False
    result[:, cols] = False
    result[rows, cols] = True
    return result
