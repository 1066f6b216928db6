"""Matching entities to candidates: the paper's greedy rule and an exact optimum.

Both take a score matrix ``scores[entity, candidate]`` (0 = not allowed) and the candidate spans, and return
for each entity the index of its candidate or ``-1``. A valid assignment gives each entity at most one
candidate and never two overlapping candidates (a candidate overlaps itself, so no candidate is used twice).

* :func:`greedy_match` (``ArgmaxCandidatesMatchingProjectionTransform``): repeatedly take the highest
  positive score (the first in row-major order on ties), assign it, zero the entity's row and the columns of
  every candidate overlapping the chosen one.
* :func:`exact_match`: a maximum-total-score assignment. When every entity's best candidate is disjoint from the
  others, that is it (:func:`best_candidates`); otherwise a dynamic program over target positions and subsets of
  entities finds the optimum, ties broken in a fixed order (:func:`dp_optimum`). Only sentences with more than
  :data:`~xner.project.defaults.EXACT_DP_MAX_ENTITIES` entities that have a candidate go to a 0/1 integer program
  (scipy's ``milp``, HiGHS; one constraint per target word, since the candidates containing a word form a clique
  of the interval graph).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from xner.errors import BackendError, UnknownNameError
from xner.project import defaults
from xner.project.candidates import Candidate

MATCHINGS = ("greedy", "exact")

Assignment = list[int]


def overlap_matrix(candidates: Sequence[Candidate]) -> NDArray[np.bool_]:
    """``overlap[a, b]``: candidates ``a`` and ``b`` share a word (true on the diagonal)."""
    starts = np.array([c[0] for c in candidates], dtype=np.int64)
    ends = np.array([c[1] for c in candidates], dtype=np.int64)
    result: NDArray[np.bool_] = (starts[:, None] < ends[None, :]) & (starts[None, :] < ends[:, None])
    return result


def greedy_match(scores: NDArray[np.float64], candidates: Sequence[Candidate]) -> Assignment:
    """The paper's greedy argmax matching (see the module doc)."""
    assignment = [-1] * scores.shape[0]
    if scores.size == 0:
        return assignment
    work = scores.copy()
    overlap = overlap_matrix(candidates)
    while True:
        flat = int(np.argmax(work))
        k, n = divmod(flat, work.shape[1])
        if work[k, n] <= 0:
            return assignment
        assignment[k] = n
        work[k, :] = 0
        work[:, overlap[n]] = 0


def assignment_score(scores: NDArray[np.float64], assignment: Sequence[int]) -> float:
    """The total score of an assignment."""
    return float(sum(scores[k, n] for k, n in enumerate(assignment) if n >= 0))


def is_valid(assignment: Sequence[int], candidates: Sequence[Candidate]) -> bool:
    """True if no two assigned candidates overlap."""
    chosen = sorted(candidates[n] for n in assignment if n >= 0)
    return all(a[1] <= b[0] for a, b in itertools.pairwise(chosen))


def best_candidates(scores: NDArray[np.float64]) -> Assignment:
    """Each entity's best candidate (the first of equal maxima), or ``-1`` where none scores above 0.

    When these are pairwise disjoint (:func:`is_valid`) they are the exact optimum, with no solver: every valid
    assignment gives entity ``k`` a score of at most ``max(scores[k])`` (or 0 for none), so its total is at
    most the sum of the row maxima, which this assignment reaches. It is also the greedy result: greedy takes
    the highest remaining score (the first in row-major order), which is some entity's best candidate, and
    zeroing that row and the overlapping columns never touches another entity's best candidate (they are
    disjoint) nor creates an earlier maximum in its row (scores only drop to 0).
    """
    if scores.shape[1] == 0:
        return [-1] * scores.shape[0]
    best: Assignment = np.where(scores.max(axis=1) > 0, np.argmax(scores, axis=1), -1).tolist()
    return best


def exact_match(scores: NDArray[np.float64], candidates: Sequence[Candidate]) -> Assignment:
    """A maximum-total-score valid assignment (see the module doc)."""
    n_entities = scores.shape[0]
    assignment = [-1] * n_entities
    if scores.size == 0:
        return assignment
    best = best_candidates(scores)
    if is_valid(best, candidates):  # the sum of the row maxima: optimal (see best_candidates), no solver needed
        return best
    optimum = dp_optimum(scores, candidates)
    if optimum is not None:
        return optimum
    return solve_milp(scores, candidates)  # more entities than the dynamic program takes


def solve_milp(scores: NDArray[np.float64], candidates: Sequence[Candidate]) -> Assignment:
    """The maximum-total-score valid assignment from HiGHS (``milp``, relative gap 0): one 0/1 variable per
    positive score, one row per entity (at most one candidate) and one per target word (at most one chosen
    candidate covers it)."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # the solver loads only when a sentence needs it
    from scipy.sparse import coo_matrix

    n_entities = scores.shape[0]
    assignment = [-1] * n_entities
    rows, cols = np.nonzero(scores > 0)
    weights = scores[rows, cols]
    n_vars = len(rows)
    words = sorted({w for n in set(cols.tolist()) for w in range(*candidates[n])})
    word_row = {w: r for r, w in enumerate(words)}
    data_r: list[int] = []
    data_c: list[int] = []
    for v, (k, n) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        data_r.append(k)  # one row per entity: at most one candidate
        data_c.append(v)
        for w in range(*candidates[n]):  # one row per word: at most one chosen candidate covers it
            data_r.append(n_entities + word_row[w])
            data_c.append(v)
    matrix = coo_matrix(
        (np.ones(len(data_r)), (np.array(data_r), np.array(data_c))), shape=(n_entities + len(words), n_vars)
    ).tocsr()
    result = milp(
        c=-weights,
        constraints=LinearConstraint(matrix, -np.inf, 1.0),
        integrality=np.ones(n_vars),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0},
    )
    if result.x is None:
        raise BackendError(f"exact matching failed: {result.message}")
    for v in np.nonzero(result.x > 0.5)[0].tolist():
        assignment[int(rows[v])] = int(cols[v])
    return assignment


def dp_optimum(
    scores: NDArray[np.float64],
    candidates: Sequence[Candidate],
    *,
    max_entities: int = defaults.EXACT_DP_MAX_ENTITIES,
) -> Assignment | None:
    """A maximum-total-score valid assignment, or ``None`` when more than ``max_entities`` entities have a positive
    score (the program keeps ``2 ** K`` states per position).

    The problem is weighted interval scheduling where each entity is used at most once, solved exactly by a
    dynamic program over target positions and subsets of entities:

    1. *Pruning.* A pair (entity, candidate) is dropped when a candidate strictly inside it scores higher for the
       same entity: swapping it in keeps any assignment valid and raises the total, so no optimum uses a dropped
       pair. Pruning leaves a handful of pairs per entity.
    2. ``forward[p, m]``: the best total of candidates ending at or before ``p`` using entities in ``m`` only. The
       optimum is ``forward[end, all]``; backtracking gives an assignment that reaches it.

    Ties are broken deterministically, by the program's order: a position keeps the total without a candidate
    ending there unless one raises it, and among the pairs ending at a position the first (entity order, then
    candidate order) wins.
    """
    n_entities = scores.shape[0]
    rows, cols = np.nonzero(scores > 0)
    if len(rows) == 0:
        return [-1] * n_entities
    entities = np.unique(rows)
    if len(entities) > max_entities:
        return None
    bit = np.searchsorted(entities, rows)
    starts = np.fromiter((candidates[n][0] for n in cols.tolist()), dtype=np.int64, count=len(cols))
    ends = np.fromiter((candidates[n][1] for n in cols.tolist()), dtype=np.int64, count=len(cols))
    weights = scores[rows, cols]
    keep = ~_dominated(bit, starts, ends, weights, len(entities))
    rows, cols, bit, starts, ends, weights = rows[keep], cols[keep], bit[keep], starts[keep], ends[keep], weights[keep]
    points, inverse = np.unique(np.concatenate([starts, ends]), return_inverse=True)
    first, last = inverse[: len(starts)], inverse[len(starts) :]
    n_masks = 1 << len(entities)
    masks = np.arange(n_masks)
    flag = 1 << bit
    uses = (masks[None, :] & flag[:, None]) != 0  # pair x mask: the mask contains the pair's entity
    without = masks[None, :] ^ flag[:, None]
    forward = np.zeros((len(points), n_masks))
    choice = np.full((len(points), n_masks), -1, dtype=np.int64)
    by_last = np.argsort(last, kind="stable")
    bounds = np.searchsorted(last[by_last], np.arange(len(points) + 1))
    for p in range(1, len(points)):
        forward[p] = forward[p - 1]
        here = by_last[bounds[p] : bounds[p + 1]]
        if len(here) == 0:
            continue
        value = np.where(uses[here], forward[first[here, None], without[here]] + weights[here, None], -np.inf)
        top = np.argmax(value, axis=0)
        top_value = value[top, masks]
        better = top_value > forward[p]
        forward[p] = np.where(better, top_value, forward[p])
        choice[p] = np.where(better, here[top], -1)
    assignment = [-1] * n_entities
    p, m = len(points) - 1, n_masks - 1
    while p > 0:
        pair = int(choice[p, m])
        if pair < 0:
            p -= 1
        else:
            assignment[int(rows[pair])] = int(cols[pair])
            m ^= int(flag[pair])
            p = int(first[pair])
    return assignment


def _dominated(
    bit: NDArray[np.int64],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    weights: NDArray[np.float64],
    n_entities: int,
) -> NDArray[np.bool_]:
    """Pairs with a candidate strictly inside theirs, for the same entity, scoring higher.

    ``inner[k, s, n]``: the best score of entity ``k`` over candidates strictly inside ``[s, s + n)``, built by
    length (a strict sub-interval lies within ``[s + 1, s + n)`` or ``[s, s + n - 1)``)."""
    lengths = ends - starts
    longest = int(lengths.max())
    grid = np.full((n_entities, int(ends.max()) + 1, longest + 1), -np.inf)
    grid[bit, starts, lengths] = weights
    inner = np.full_like(grid, -np.inf)
    for n in range(2, longest + 1):
        inner[:, :-1, n] = np.maximum(
            np.maximum(grid[:, 1:, n - 1], inner[:, 1:, n - 1]),
            np.maximum(grid[:, :-1, n - 1], inner[:, :-1, n - 1]),
        )
    dominated: NDArray[np.bool_] = inner[bit, starts, lengths] > weights
    return dominated


def match(method: str, scores: NDArray[np.float64], candidates: Sequence[Candidate]) -> Assignment:
    """Dispatch to :func:`greedy_match` or :func:`exact_match` by name."""
    if method == "greedy":
        return greedy_match(scores, candidates)
    if method == "exact":
        return exact_match(scores, candidates)
    raise UnknownNameError("matching", method, MATCHINGS)
