"""SimAlign's extraction methods on a similarity matrix, exactly as the ``simalign`` package 0.4 computes them.

Every function takes a 2-D array ``sim`` (source x target; higher = more similar) and returns a boolean matrix of
the same shape. Reference: Jalili Sabet et al., *SimAlign* (Findings of EMNLP 2020), ``simalign/simalign.py``:

* :func:`argmax` is ``SentenceAligner.get_alignment_matrix`` intersected (SimAlign's "inter"): a cell is linked
  when it is the first maximum of its row and of its column (ties go to the lowest index, as ``numpy.argmax``).
* :func:`itermax` is ``SentenceAligner.iter_max``, with ``max_count`` and ``alpha`` as parameters.
* :func:`match` is ``SentenceAligner.get_max_weight_match``: a maximum-cardinality, maximum-weight bipartite
  matching. A zero cell is no edge (SimAlign builds the graph from a sparse matrix). When every cell is non-zero
  and the best assignment beats the runner-up by more than :data:`~xner.align.defaults.MATCH_TIE_TOLERANCE`, the
  optimum is unique and found with scipy's assignment solver; otherwise networkx decides, on the very graph
  SimAlign builds, so ties break as they do there.
* :func:`distort` is ``SentenceAligner.apply_distortion``.

All functions reject non-finite values and accept empty dimensions (giving an empty result).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from xner.align import defaults
from xner.errors import InputError, UnknownNameError

FloatMatrix = npt.NDArray[np.floating]
BoolMatrix = npt.NDArray[np.bool_]


def _checked(sim: npt.ArrayLike) -> npt.NDArray[np.number]:
    array = np.asarray(sim)
    if array.ndim != 2:
        raise InputError(f"a similarity matrix must be 2-D, got shape {array.shape}")
    if array.dtype.kind not in "iuf":
        raise InputError(f"a similarity matrix must be numeric, got dtype {array.dtype}")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise InputError("a similarity matrix must be finite (it has NaN or infinity)")
    return array


def _argmax(sim: npt.NDArray[np.number]) -> BoolMatrix:
    """Row-argmax intersected with column-argmax (no checks)."""
    m, n = sim.shape
    out = np.zeros((m, n), dtype=bool)
    if m == 0 or n == 0:
        return out
    best_col = sim.argmax(axis=1)
    best_row = sim.argmax(axis=0)
    rows = np.arange(m)
    mutual = best_row[best_col] == rows
    out[rows[mutual], best_col[mutual]] = True
    return out


def forward(sim: npt.ArrayLike) -> BoolMatrix:
    """Each source word linked to its most similar target word (SimAlign's "fwd")."""
    array = _checked(sim)
    out = np.zeros(array.shape, dtype=bool)
    if out.size:
        out[np.arange(array.shape[0]), array.argmax(axis=1)] = True
    return out


def reverse(sim: npt.ArrayLike) -> BoolMatrix:
    """Each target word linked to its most similar source word (SimAlign's "rev")."""
    return forward(np.asarray(sim).T).T


def argmax(sim: npt.ArrayLike) -> BoolMatrix:
    """SimAlign ArgMax: cells that are the (first) maximum of both their row and their column."""
    return _argmax(_checked(sim))


def itermax(
    sim: npt.ArrayLike,
    max_count: int = defaults.ITERMAX_MAX_COUNT,
    alpha: float = defaults.ITERMAX_ALPHA,
) -> BoolMatrix:
    """SimAlign IterMax: ArgMax, then up to ``max_count - 1`` more ArgMax rounds on the cells of unaligned words.

    In each round a cell whose row and column are both free keeps its similarity, a cell with one free side is
    scaled by ``alpha``, and a cell with neither is zeroed; new links must touch a free word. Matrices with a side
    of at most 2 words get plain ArgMax.
    """
    array = _checked(sim)
    if max_count < 1:
        raise InputError(f"itermax max_count must be at least 1, got {max_count}")
    aligned = _argmax(array)
    if min(array.shape) <= 2:
        return aligned
    for _ in range(max_count - 1):
        row_free: BoolMatrix = ~np.asarray(aligned.any(axis=1))
        col_free: BoolMatrix = ~np.asarray(aligned.any(axis=0))
        if not row_free.any() or not col_free.any():
            break
        # The same float operations as SimAlign, so ties and products round identically.
        weight = np.clip(alpha * row_free.astype(float)[:, None] + alpha * col_free.astype(float)[None, :], 0.0, 1.0)
        new = _argmax(array * weight) & (row_free[:, None] | col_free[None, :])
        if not new.any():
            break
        aligned |= new
    return aligned


def _networkx_match(sim: npt.NDArray[np.number]) -> BoolMatrix:
    """Max-cardinality max-weight matching by networkx on SimAlign's graph (zero cells are no edges)."""
    import networkx as nx
    from networkx.algorithms.bipartite.matrix import from_biadjacency_matrix
    from scipy.sparse import csr_matrix

    m = sim.shape[0]
    graph = from_biadjacency_matrix(csr_matrix(sim))
    out = np.zeros(sim.shape, dtype=bool)
    for u, v in nx.max_weight_matching(graph, maxcardinality=True):
        i, j = (u, v - m) if u < m else (v, u - m)
        out[i, j] = True
    return out


def _unique_assignment(sim: npt.NDArray[np.number]) -> BoolMatrix | None:
    """The maximum-weight full assignment if it beats every other by a clear margin, else ``None``.

    One solve, then the margin to the second best: any other full assignment differs from the best by disjoint
    exchanges, each a cycle of rows passing their columns on, or a chain ending in a column the best leaves free;
    each costs the best at least zero, so the second best is the cheapest single exchange, found as the shortest
    cycle of the exchange graph (Floyd-Warshall on arrays, no re-solve per link)."""
    from scipy.optimize import linear_sum_assignment

    flipped = sim.shape[0] > sim.shape[1]
    weights = np.asarray(sim.T if flipped else sim, dtype=np.float64)  # rows = the smaller side
    rows, cols = linear_sum_assignment(weights, maximize=True)
    best = float(weights[rows, cols].sum())
    if _second_best_gap(weights, cols) <= defaults.MATCH_TIE_TOLERANCE * max(1.0, abs(best)):
        return None
    out = np.zeros(weights.shape, dtype=bool)
    out[rows, cols] = True
    return out.T if flipped else out


def _second_best_gap(weights: npt.NDArray[np.float64], cols: npt.NDArray[np.intp]) -> float:
    """How much less than the best the second-best full assignment weighs (``inf`` when there is none).

    ``weights`` has no more rows than columns, and row ``i`` of the best assignment holds column ``cols[i]``. In
    the exchange graph an edge ``i -> k`` costs what row ``i`` loses by taking row ``k``'s column, and an edge
    ``i -> free`` what it loses by taking the best column nobody holds (``free -> i`` costs nothing: the chain's
    first row gives its column up); the cheapest cycle is the cheapest exchange."""
    n = len(cols)
    kept = weights[np.arange(n), cols]
    exchange = kept[:, None] - weights[:, cols]
    np.fill_diagonal(exchange, np.inf)
    free = np.ones(weights.shape[1], dtype=bool)
    free[cols] = False
    if free.any():
        graph = np.full((n + 1, n + 1), np.inf)
        graph[:n, :n] = exchange
        graph[:n, n] = kept - weights[:, free].max(axis=1)
        graph[n, :n] = 0.0
    else:
        graph = exchange
    for k in range(len(graph)):  # shortest paths; the diagonal ends as the shortest cycle through each node
        np.minimum(graph, graph[:, k : k + 1] + graph[k : k + 1, :], out=graph)
    return float(np.diagonal(graph).min())


def match(sim: npt.ArrayLike) -> BoolMatrix:
    """SimAlign Match (mwmf): a maximum-cardinality matching of maximum total similarity."""
    array = _checked(sim)
    if array.size == 0:
        return np.zeros(array.shape, dtype=bool)
    if bool((array != 0).all()):
        unique = _unique_assignment(array)
        if unique is not None:
            return unique
    return _networkx_match(array)


def distort(sim: npt.ArrayLike, ratio: float = defaults.DISTORTION) -> npt.NDArray[np.number]:
    """SimAlign distortion: scale cell ``(i, j)`` by ``1 - ratio * (j/(n-1) - i/(m-1))**2`` (no-op on a side < 2)."""
    array = _checked(sim)
    m, n = array.shape
    if m < 2 or n < 2 or ratio == 0.0:
        return array
    target_pos = np.arange(n) / float(n - 1)
    source_pos = np.arange(m) / float(m - 1)
    mask = 1.0 - ((target_pos[None, :] - source_pos[:, None]) ** 2) * ratio
    result: npt.NDArray[np.number] = np.multiply(array, mask)
    return result


Extractor = Callable[[FloatMatrix], BoolMatrix]

METHODS: dict[str, Extractor] = {"argmax": argmax, "itermax": itermax, "match": match}
"""SimAlign's extraction methods by name (the encoder backend adds ``softmax``, awesome-align's)."""


def extractor(name: str) -> Extractor:
    """The extraction function called ``name``; an unknown name lists the valid ones."""
    try:
        return METHODS[name]
    except KeyError:
        raise UnknownNameError("alignment method", name, METHODS) from None
