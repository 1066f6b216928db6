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


@lru_cache(maxsize=65536)
def _traits(folded: str) -> tuple[str | None, int, int]:
    """What :func:`similarity` asks of one folded word before comparing spellings: its number key (``None``: not
    a number), its length, and its first character's code point when it is a letter (else ``-1``)."""
    first = ord(folded[0]) if folded and folded[0].isalpha() else -1
    return _number_key(folded), len(folded), first


@lru_cache(maxsize=65536)
def _spelling_similarity(a: str, b: str, min_similarity: float, min_length: int) -> float:
    return similarity(a, b, min_similarity, min_length)


def _scores(src: Sequence[str], tgt: Sequence[str], min_similarity: float, min_length: int) -> npt.NDArray[np.float64]:
    """:func:`similarity` of every folded word pair: the rules that need no spelling comparison on arrays, the
    spelling comparison only for the pairs that reach it (cached: a batch repeats its pairs)."""
    ids: dict[str, int] = {}
    a = np.array([ids.setdefault(w, len(ids)) for w in src])
    b = np.array([ids.setdefault(w, len(ids)) for w in tgt])
    traits = [_traits(w) for w in ids]
    keys: dict[str, int] = {}  # number: -1 not a number, -2 a number with an empty key, else the key's id
    number = np.array([-1 if k is None else keys.setdefault(k, len(keys)) if k else -2 for k, _, _ in traits])
    length = np.array([n for _, n, _ in traits])
    first = np.array([c for _, _, c in traits])
    same = a[:, None] == b[None, :]
    is_number = (number[a] != -1)[:, None] | (number[b] != -1)[None, :]
    scores = np.zeros(same.shape)
    # equal words: a number always links, another word when long enough
    scores[same & (is_number | (length[a] >= min_length)[:, None])] = 1.0
    # a number and anything else: equal non-empty number keys
    scores[~same & is_number & (number[a][:, None] == number[b][None, :]) & (number[a] >= 0)[:, None]] = 1.0
    # two other words: long enough, the same first letter; then their spellings
    compare = (
        ~same
        & ~is_number
        & (length[a] >= min_length)[:, None]
        & (length[b] >= min_length)[None, :]
        & (first[a][:, None] == first[b][None, :])
        & (first[a] >= 0)[:, None]
    )
    for i, j in zip(*np.nonzero(compare), strict=True):
        scores[i, j] = _spelling_similarity(src[i], tgt[j], min_similarity, min_length)
    return scores


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
    scores = _scores([fold(w) for w in src], [fold(w) for w in tgt], min_similarity, min_length)
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
