"""From contextual vectors to word links: similarity, extraction method, subword-to-word mapping.

This is the numeric half of the encoder backend and needs only numpy, so it is tested without a model.

* The similarity of the SimAlign methods is ``(cos(x, y) + 1) / 2``, computed in the vectors' precision with the
  same operations as scikit-learn's ``cosine_similarity`` (which SimAlign uses), then optionally distorted.
* ``softmax`` (awesome-align) works on raw dot products.
* ``bpe`` mode aligns subwords and links two words when any of their subwords are linked; ``word`` mode first
  averages each word's subword vectors. A word without subwords (the tokenizer dropped it) is never linked.
* The score of a word link is the best similarity (or, for ``softmax``, the best mean of the two directional
  probabilities) among the subword links behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from xner.align import defaults
from xner.align.awesome import softmax_probabilities
from xner.align.base import Alignment
from xner.align.simalign import argmax, distort, forward, itermax, match, reverse
from xner.align.symmetrise import symmetrise
from xner.errors import InputError, UnknownNameError

FloatMatrix = npt.NDArray[np.floating]
IntVector = npt.NDArray[np.intp]

METHODS = ("argmax", "itermax", "match", "softmax")
"""Extraction methods of the encoder backend."""

DIRECTIONAL_METHODS = ("argmax", "softmax")
"""Methods made of a forward and a reverse direction, which therefore take a symmetrisation heuristic."""

TOKEN_TYPES = ("bpe", "word")
"""What is aligned: subwords (then united to words) or mean word vectors."""


@dataclass(frozen=True, slots=True)
class Extraction:
    """How links are read off a pair of vector sequences (see the module docstring)."""

    method: str = defaults.ENCODER_METHOD
    token_type: str = defaults.ENCODER_TOKEN_TYPE
    symmetrise: str | None = None
    distortion: float = defaults.DISTORTION
    max_count: int = defaults.ITERMAX_MAX_COUNT
    alpha: float = defaults.ITERMAX_ALPHA
    threshold: float = defaults.SOFTMAX_THRESHOLD

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise UnknownNameError("alignment method", self.method, METHODS)
        if self.token_type not in TOKEN_TYPES:
            raise UnknownNameError("token type", self.token_type, TOKEN_TYPES)
        if self.symmetrise is not None and self.method not in DIRECTIONAL_METHODS:
            raise InputError(
                f"--symmetrise applies to the methods with two directions ({', '.join(DIRECTIONAL_METHODS)}), "
                f"not to {self.method!r}"
            )


def cosine_similarity01(x: FloatMatrix, y: FloatMatrix) -> FloatMatrix:
    """``(cos(x, y) + 1) / 2`` with scikit-learn's operations (row norms by einsum, zero norms left as 1)."""
    x_norm = np.sqrt(np.einsum("ij,ij->i", x, x))
    y_norm = np.sqrt(np.einsum("ij,ij->i", y, y))
    x_norm[x_norm == 0.0] = 1.0
    y_norm[y_norm == 0.0] = 1.0
    cos = (x / x_norm[:, np.newaxis]) @ (y / y_norm[:, np.newaxis]).T
    result: FloatMatrix = (cos + 1.0) / 2.0
    return result


def word_means(vectors: FloatMatrix, word_of: IntVector, n_words: int) -> tuple[FloatMatrix, IntVector]:
    """Mean subword vector of each word that has subwords, and the indices of those words."""
    present, counts = np.unique(word_of, return_counts=True)
    sums = np.zeros((n_words, vectors.shape[1]), dtype=vectors.dtype)
    np.add.at(sums, word_of, vectors)
    means: FloatMatrix = sums[present] / counts[:, None].astype(vectors.dtype)
    return means, present.astype(np.intp)


def link_words(
    x: FloatMatrix,
    y: FloatMatrix,
    src_word_of: IntVector,
    tgt_word_of: IntVector,
    n_src: int,
    n_tgt: int,
    extraction: Extraction,
) -> Alignment:
    """Align ``n_src`` source and ``n_tgt`` target words given their subword vectors and subword-to-word maps."""
    if extraction.token_type == "word":
        x, src_word_of = word_means(x, src_word_of, n_src)
        y, tgt_word_of = word_means(y, tgt_word_of, n_tgt)
    if x.shape[0] == 0 or y.shape[0] == 0:
        return Alignment()
    if extraction.method == "softmax":
        p_st, p_ts = softmax_probabilities(x @ y.T)
        fwd, rev = p_st > extraction.threshold, p_ts > extraction.threshold
        linked = symmetrise(fwd, rev, extraction.symmetrise or "intersection")
        scores: npt.NDArray[np.number] = (p_st + p_ts) / 2.0
    else:
        scores = distort(cosine_similarity01(x, y), extraction.distortion)
        if extraction.method == "argmax":
            linked = (
                argmax(scores)
                if extraction.symmetrise is None
                else symmetrise(forward(scores), reverse(scores), extraction.symmetrise)
            )
        elif extraction.method == "itermax":
            linked = itermax(scores, extraction.max_count, extraction.alpha)
        else:
            linked = match(scores)
    rows, cols = np.nonzero(linked)
    best: dict[tuple[int, int], float] = {}
    pairs = zip(src_word_of[rows].tolist(), tgt_word_of[cols].tolist(), scores[rows, cols].tolist(), strict=True)
    for i, j, score in pairs:
        if score > best.get((i, j), -np.inf):
            best[(i, j)] = score
    links = sorted(best)
    return Alignment(tuple(links), tuple(best[link] for link in links))
