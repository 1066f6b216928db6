"""Matching entities to candidates: the paper's greedy rule and an exact optimum.

Both take a score matrix ``scores[entity, candidate]`` (0 = not allowed) and the candidate spans, and return
for each entity the index of its candidate or ``-1``. A valid assignment gives each entity at most one
candidate and never two overlapping candidates (a candidate overlaps itself, so no candidate is used twice).

* :func:`greedy_match` (``ArgmaxCandidatesMatchingProjectionTransform``): repeatedly take the highest
  positive score (the first in row-major order on ties), assign it, zero the entity's row and the columns of
  every candidate overlapping the chosen one.
* :func:`exact_match`: a maximum-total-score assignment, solved as a 0/1 integer program with scipy's
  ``milp`` (HiGHS). Overlap is expressed with one constraint per target word (the candidates containing a
  word form a clique of the interval graph), which is exact and much smaller than one per overlapping pair.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from xner.errors import BackendError, UnknownNameError
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


def exact_match(scores: NDArray[np.float64], candidates: Sequence[Candidate]) -> Assignment:
    """A maximum-total-score valid assignment (see the module doc)."""
    n_entities = scores.shape[0]
    assignment = [-1] * n_entities
    if scores.size == 0:
        return assignment
    best = [int(np.argmax(scores[k])) if scores[k].max() > 0 else -1 for k in range(n_entities)]
    if is_valid(best, candidates):  # every entity gets its best candidate: optimal, no solver needed
        return best
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


def match(method: str, scores: NDArray[np.float64], candidates: Sequence[Candidate]) -> Assignment:
    """Dispatch to :func:`greedy_match` or :func:`exact_match` by name."""
    if method == "greedy":
        return greedy_match(scores, candidates)
    if method == "exact":
        return exact_match(scores, candidates)
    raise UnknownNameError("matching", method, MATCHINGS)
