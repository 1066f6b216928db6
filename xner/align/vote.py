"""The fill of a vote over several directional alignments: target words the strict majority leaves unlinked.

A strict majority over many alignments (eflomal's 2 x runs) drops a word whose alignments disagree on *which* of
two neighbouring source words it belongs to: Spanish ``miembros`` in "Member States" -> ``Estados miembros`` is
linked to ``Member`` by five of ten alignments and to ``States`` by the other five, so no single link has a
majority, and the projected entity loses the word. :func:`fill_unlinked` gives such a word back the link its
alignments agree on as a pair: a target word with no majority link is linked to the source word with the most
votes for it (the first on ties) when that word and its better neighbour together hold more than ``need`` votes.

One implementation serves both callers: the seeded sampler's vote over a whole batch
(:meth:`xner.align.sampler.SampledRuns.majority`) and the matrix vote of one sentence pair
(:func:`xner.align.symmetrise.majority_filled`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def fill_unlinked(
    source: IntArray,
    target: IntArray,
    votes: IntArray,
    pair_of_source: IntArray,
    linked_target: BoolArray,
    need: float,
) -> BoolArray:
    """Which vote cells fill a target word the majority left unlinked (a mask over the cells).

    The cells are every (source word, target word) pair with at least one vote, in corpus-wide positions, unique
    and sorted by ``(source, target)``; ``votes`` counts the alignments that have each. ``pair_of_source[s]`` is the
    sentence pair of source word ``s`` (neighbours are counted only within a pair); ``linked_target[t]`` is true
    for target words the majority already links. A free target word ``t`` gets the cell ``(s, t)`` of its most
    voted source word ``s`` (the lowest position on ties) when ``votes(s, t) + max(votes(s - 1, t),
    votes(s + 1, t)) > need``.
    """
    chosen = np.zeros(len(source), dtype=bool)
    free = np.flatnonzero(~linked_target[target])
    if free.size == 0:
        return chosen
    order = free[np.lexsort((source[free], -votes[free], target[free]))]
    first = np.ones(len(order), dtype=bool)
    first[1:] = target[order[1:]] != target[order[:-1]]
    best = order[first]  # each free target word's most voted cell
    width = int(target.max()) + 1
    keys = source * width + target  # sorted, because the cells are
    best_source, best_target = source[best], target[best]
    neighbour = np.zeros(len(best), dtype=np.int64)
    for step in (-1, 1):
        position = best_source + step
        inside = (position >= 0) & (position < len(pair_of_source))
        position = np.clip(position, 0, len(pair_of_source) - 1)
        inside &= pair_of_source[position] == pair_of_source[best_source]
        wanted = position * width + best_target
        at = np.clip(np.searchsorted(keys, wanted), 0, len(keys) - 1)
        found = inside & (keys[at] == wanted)
        neighbour = np.maximum(neighbour, np.where(found, votes[at], 0))
    chosen[best[votes[best] + neighbour > need]] = True
    return chosen
