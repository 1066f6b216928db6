"""Symmetrisation: combine a forward (source->target) and a reverse (target->source) alignment into one.

Used by every backend that aligns in two directions (eflomal; the encoder's ``argmax`` and ``softmax``
methods). Both inputs are boolean ``source x target`` matrices. The heuristics are Koehn et al.'s (Moses,
``grow-diag-final-and``), run in the order of the published pseudo-code:

* ``intersection``: links in both directions (high precision);
* ``union``: links in either direction (high recall);
* ``grow-diag``: the intersection, grown repeatedly by union links next to (diagonals included) an existing
  link whose source or target word is still unaligned;
* ``grow-diag-final``: then add union links where the source or the target word is unaligned;
* ``grow-diag-final-and``: then add union links where both words are unaligned (the usual choice);
* ``forward`` / ``reverse``: one direction only;
* ``majority``: links that a strict majority of several directional alignments have (:func:`majority`). Backends
  that run several times (eflomal) vote over all their forward and reverse alignments at once; for a single
  forward/reverse pair a strict majority is both, so it equals ``intersection``;
* ``majority-fill`` (eflomal's default): the majority, then each target word it leaves unlinked is linked where
  its alignments agree on a source word and its neighbour (:func:`majority_filled`, :mod:`xner.align.vote`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from xner.align import defaults
from xner.align.vote import fill_unlinked
from xner.errors import InputError, UnknownNameError

BoolMatrix = npt.NDArray[np.bool_]

_NEIGHBOURS = ((-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


def intersection(fwd: BoolMatrix, rev: BoolMatrix) -> BoolMatrix:
    """Links present in both directions."""
    return fwd & rev


def union(fwd: BoolMatrix, rev: BoolMatrix) -> BoolMatrix:
    """Links present in either direction."""
    return fwd | rev


def _grow_diag(fwd: BoolMatrix, rev: BoolMatrix) -> tuple[BoolMatrix, BoolMatrix, BoolMatrix, BoolMatrix]:
    """GROW-DIAG: returns (alignment, union, source aligned, target aligned)."""
    m, n = fwd.shape
    links = fwd & rev
    both = fwd | rev
    src_aligned: BoolMatrix = np.asarray(links.any(axis=1))
    tgt_aligned: BoolMatrix = np.asarray(links.any(axis=0))
    if links.all() or not (both & ~links).any():
        return links, both, src_aligned, tgt_aligned
    added = True
    while added:
        added = False
        for i in range(m):
            for j in range(n):
                if not links[i, j]:
                    continue
                for di, dj in _NEIGHBOURS:
                    a, b = i + di, j + dj
                    if not (0 <= a < m and 0 <= b < n) or links[a, b] or not both[a, b]:
                        continue
                    if not src_aligned[a] or not tgt_aligned[b]:
                        links[a, b] = True
                        src_aligned[a] = tgt_aligned[b] = True
                        added = True
    return links, both, src_aligned, tgt_aligned


def _final(
    links: BoolMatrix,
    directional: BoolMatrix,
    src_aligned: BoolMatrix,
    tgt_aligned: BoolMatrix,
    *,
    both_unaligned: bool,
) -> None:
    """FINAL / FINAL-AND with one direction's links, in place."""
    rows, cols = np.nonzero(directional & ~links)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        unaligned = (not src_aligned[i], not tgt_aligned[j])
        if all(unaligned) if both_unaligned else any(unaligned):
            links[i, j] = True
            src_aligned[i] = tgt_aligned[j] = True


def grow_diag(fwd: BoolMatrix, rev: BoolMatrix) -> BoolMatrix:
    """The intersection grown along neighbouring union links (diagonals included)."""
    return _grow_diag(fwd, rev)[0]


def grow_diag_final(fwd: BoolMatrix, rev: BoolMatrix) -> BoolMatrix:
    """GROW-DIAG, then union links that have an unaligned source or target word."""
    links, _, src_aligned, tgt_aligned = _grow_diag(fwd, rev)
    _final(links, fwd, src_aligned, tgt_aligned, both_unaligned=False)
    _final(links, rev, src_aligned, tgt_aligned, both_unaligned=False)
    return links


def grow_diag_final_and(fwd: BoolMatrix, rev: BoolMatrix) -> BoolMatrix:
    """GROW-DIAG, then union links whose source and target words are both unaligned."""
    links, _, src_aligned, tgt_aligned = _grow_diag(fwd, rev)
    _final(links, fwd, src_aligned, tgt_aligned, both_unaligned=True)
    _final(links, rev, src_aligned, tgt_aligned, both_unaligned=True)
    return links


def majority(alignments: Sequence[BoolMatrix]) -> BoolMatrix:
    """Links present in more than half of ``alignments`` (boolean matrices of one shape)."""
    votes = vote_counts(alignments)
    result: BoolMatrix = votes * 2 > len(alignments)
    return result


def vote_counts(alignments: Sequence[BoolMatrix]) -> npt.NDArray[np.int64]:
    """How many of ``alignments`` (boolean matrices of one shape, at least one) have each cell."""
    if not alignments:
        raise InputError("majority needs at least one alignment")
    counts: npt.NDArray[np.int64] = np.sum(np.stack([np.asarray(a, dtype=bool) for a in alignments]), axis=0)
    return counts


def majority_filled(alignments: Sequence[BoolMatrix], share: float = defaults.EFLOMAL_FILL_SHARE) -> BoolMatrix:
    """:func:`majority`, then every target word it leaves unlinked gets the link of its most voted source word
    when that word and its better neighbour hold more than ``share`` of the votes (:func:`filled`)."""
    votes = vote_counts(alignments)
    return filled(votes, votes * 2 > len(alignments), share * len(alignments))


def filled(votes: npt.NDArray[np.integer], kept: BoolMatrix, need: float) -> BoolMatrix:
    """``kept`` (links of one pair) plus, for each target word it leaves unlinked, the cell of its most voted source
    word when that word and its better neighbour hold more than ``need`` of ``votes``
    (:func:`~xner.align.vote.fill_unlinked`)."""
    result = kept.copy()
    source, target = np.nonzero(votes)  # row-major: sorted by (source, target)
    if source.size:
        pair_of_source = np.zeros(votes.shape[0], dtype=np.int64)
        linked_target = np.asarray(kept.any(axis=0), dtype=bool)
        cell_votes = np.asarray(votes[source, target], dtype=np.int64)
        chosen = fill_unlinked(source, target, cell_votes, pair_of_source, linked_target, need)
        result[source[chosen], target[chosen]] = True
    return result


def forward_only(fwd: BoolMatrix, rev: BoolMatrix) -> BoolMatrix:  # noqa: ARG001 - one signature for all
    """The forward links alone."""
    return fwd.copy()


def reverse_only(fwd: BoolMatrix, rev: BoolMatrix) -> BoolMatrix:  # noqa: ARG001 - one signature for all
    """The reverse links alone."""
    return rev.copy()


Symmetriser = Callable[[BoolMatrix, BoolMatrix], BoolMatrix]

SYMMETRISERS: dict[str, Symmetriser] = {
    "intersection": intersection,
    "union": union,
    "grow-diag": grow_diag,
    "grow-diag-final": grow_diag_final,
    "grow-diag-final-and": grow_diag_final_and,
    "forward": forward_only,
    "reverse": reverse_only,
    "majority": lambda fwd, rev: majority([fwd, rev]),
    "majority-fill": lambda fwd, rev: majority_filled([fwd, rev]),
}
"""Symmetrisation heuristics by name."""

ALIASES = {"gdfa": "grow-diag-final-and", "gdf": "grow-diag-final", "gd": "grow-diag", "inter": "intersection"}
"""Short names accepted for the heuristics."""


def canonical(name: str) -> str:
    """The canonical heuristic name for ``name`` (an alias or a name); an unknown name lists the valid ones."""
    resolved = ALIASES.get(name, name)
    if resolved not in SYMMETRISERS:
        raise UnknownNameError("symmetrisation", name, [*SYMMETRISERS, *ALIASES])
    return resolved


def symmetrise(fwd: npt.ArrayLike, rev: npt.ArrayLike, method: str) -> BoolMatrix:
    """Combine two directional boolean ``source x target`` matrices with the heuristic ``method``."""
    forward_links = np.asarray(fwd, dtype=bool)
    reverse_links = np.asarray(rev, dtype=bool)
    if forward_links.ndim != 2 or forward_links.shape != reverse_links.shape:
        raise InputError(
            f"directional alignments must be matrices of one shape, got {forward_links.shape} and {reverse_links.shape}"
        )
    return SYMMETRISERS[canonical(method)](forward_links, reverse_links)
