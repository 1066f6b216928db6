"""The numba kernels of the seeded sampler (:mod:`xner.align.sampler`): its RNG, one collapsed Gibbs chain, and
one run of one direction (several chains, their marginals summed, the argmax taken).

A *direction* aligns each *inner* word (the one generated) to a position of the *outer* sentence or to NULL:
forward generates the target from the source, reverse the source from the target. The model of a chain grows in
three stages over the same alignment variables, following Östling & Tiedemann (2016):

1. IBM1: p(a = i) is uniform over the outer positions, times the lexical probability;
2. HMM: the jumps from the previous non-NULL link and to the next one (the sentence start is position -1, its
   end position I), NULL with probability ``null_prior``;
3. fertility: the HMM times the change in the outer word's fertility probability.

The jump probabilities enter with the exponent 1/2 (the geometric mean of the two jumps around a link): with the
full product the HMM prefers monotone links so much that it misplaces reordered adjectives (``European consumers``
-> ``consumidores europeos``), and Spanish Europarl-NER F1 was about a point lower (docs/align.md).

Every distribution (lexical, NULL's lexical, jumps, fertilities) is a Dirichlet-multinomial integrated out, so
its probability is (count + pseudo-count) / (total + pseudo-counts). Only +, -, *, / and square roots on float64
are used (IEEE 754 rounds each exactly), without fast-math, and every sum runs in a fixed order, so a chain's
result depends on its seed and its input only: not on the thread that runs it, the number of threads, or the
machine.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@njit(cache=True)
def _mix(z: np.uint64) -> np.uint64:  # pragma: no cover - compiled
    """SplitMix64's output function: a bijective scramble of 64 bits."""
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def chain_seed(seed: int, run: int, direction: int, sampler: int) -> np.uint64:  # pragma: no cover - compiled
    """The RNG state of one chain: each index is hashed in turn, so every (seed, run, direction, sampler) differs."""
    state = _mix(np.uint64(seed) + _GOLDEN)
    state = _mix(state ^ (np.uint64(run) + _GOLDEN))
    state = _mix(state ^ (np.uint64(direction) + _GOLDEN))
    return _mix(state ^ (np.uint64(sampler) + _GOLDEN))


@njit(cache=True)
def _uniform(state: npt.NDArray[np.uint64]) -> float:  # pragma: no cover - compiled
    """A uniform double in [0, 1) from SplitMix64 (state kept in a one-element array)."""
    state[0] += _GOLDEN
    return float(_mix(state[0]) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def _bucket(jump: int, max_jump: int) -> int:  # pragma: no cover - compiled
    return min(max(jump, -max_jump), max_jump) + max_jump


@njit(cache=True)
def _count_jumps(
    links: IntArray, inner_off: IntArray, outer_off: IntArray, counts: FloatArray, max_jump: int
) -> None:  # pragma: no cover - compiled
    """Add the jumps of the current links to ``counts``, sentence by sentence (the end jump included)."""
    for k in range(len(inner_off) - 1):
        prev = -1
        for t in range(inner_off[k], inner_off[k + 1]):
            if links[t] >= 0:
                counts[_bucket(links[t] - prev, max_jump)] += 1.0
                prev = links[t]
        counts[_bucket(outer_off[k + 1] - outer_off[k] - prev, max_jump)] += 1.0


@njit(cache=True)
def _count_fertility(
    links: IntArray,
    inner_off: IntArray,
    outer_off: IntArray,
    outer_tok: IntArray,
    fertility: IntArray,
    counts: FloatArray,
    width: int,
) -> None:  # pragma: no cover - compiled
    """Every outer token's fertility, added to the counts of (outer word, fertility bucket)."""
    fertility[:] = 0
    for k in range(len(inner_off) - 1):
        for t in range(inner_off[k], inner_off[k + 1]):
            if links[t] >= 0:
                fertility[outer_off[k] + links[t]] += 1
    for o in range(len(outer_tok)):
        counts[outer_tok[o] * width + min(fertility[o], width - 1)] += 1.0


@njit(cache=True)
def _ratio(fert: FloatArray, grow: FloatArray, cell: int, width: int) -> None:  # pragma: no cover - compiled
    """Refresh ``grow`` around a changed fertility count ``fert[cell]``: ``grow[e * width + f]`` is how much more
    probable a token of word ``e`` with fertility ``f`` becomes when it gains one link (the token itself counted)."""
    bucket = cell % width
    for b in (bucket - 1, bucket):
        if 0 <= b < width - 1:
            base = cell - bucket + b
            grow[base] = fert[base + 1] / (fert[base] - 1.0)


@njit(cache=True)
def _move_fertility(
    fert: FloatArray, grow: FloatArray, fertility: IntArray, token: int, word: int, step: int, width: int
) -> None:  # pragma: no cover - compiled
    """Give an outer token one link more (``step = 1``) or less (``-1``), with its word's fertility counts."""
    old = fertility[token]
    fertility[token] = old + step
    before = word * width + min(old, width - 1)
    after = word * width + min(old + step, width - 1)
    if before != after:
        fert[before] -= 1.0
        fert[after] += 1.0
        _ratio(fert, grow, before, width)
        _ratio(fert, grow, after, width)


@njit(cache=True)
def _next_link(links: IntArray, start: int, stop: int, end: int) -> int:  # pragma: no cover - compiled
    """The first non-NULL link in ``links[start:stop]``, else ``end`` (the sentence end)."""
    for t in range(start, stop):
        if links[t] >= 0:
            return int(links[t])
    return end


@njit(cache=True)
def run_chain(
    outer_tok: IntArray,
    outer_off: IntArray,
    inner_tok: IntArray,
    inner_off: IntArray,
    cells: IntArray,
    cell_off: IntArray,
    lex_alpha: FloatArray,
    norm_alpha: FloatArray,
    null_alpha: FloatArray,
    jump_alpha: FloatArray,
    fert_alpha: FloatArray,
    iterations: IntArray,
    null_prior: float,
    burn_in: float,
    state: npt.NDArray[np.uint64],
    marginals: npt.NDArray[np.float32],
    transposed: bool,
) -> None:  # pragma: no cover - compiled
    """One chain: sample the links of every inner word, adding its sampling distributions to ``marginals``.

    ``cells[cell_off[k] + j * I + i]`` is the (outer word, inner word) pair id of inner word ``j`` and outer
    position ``i`` of sentence ``k`` (``transposed``: ``cells[cell_off[k] + i * J + j]``, the other direction's
    cells read across, so both directions share one array);
    ``marginals[cell_off[k] + inner_off[k] + j * (I + 1) + c]`` sums the probability of NULL (``c = 0``) and of
    outer position ``c - 1``, in single precision (the largest array of a job, one entry per cell: float32 halves a
    batch's memory; the sums are rounded in a fixed order, so the links stay the same in every process). Every
    count array holds count + pseudo-count, so a probability is one division (kept as a reciprocal where it is read
    often).
    """
    max_jump = (len(jump_alpha) - 1) // 2
    width = len(fert_alpha) // len(norm_alpha)
    lex = lex_alpha.copy()
    norm = norm_alpha.copy()
    null = null_alpha.copy()
    null_norm = null_alpha.sum()
    jumps = jump_alpha.copy()
    jump_norm = jump_alpha.sum()
    fert = fert_alpha.copy()
    grow = np.ones(len(fert_alpha))
    fertility = np.zeros(len(outer_tok), dtype=np.int64)
    links = np.empty(len(inner_tok), dtype=np.int64)
    longest = 0
    for k in range(len(outer_off) - 1):
        longest = max(longest, outer_off[k + 1] - outer_off[k])
    weights = np.empty(longest + 1)
    odds = null_prior / (1.0 - null_prior)

    # Initial links: NULL with probability null_prior, else a uniform outer position.
    for k in range(len(inner_off) - 1):
        size = outer_off[k + 1] - outer_off[k]
        length = inner_off[k + 1] - inner_off[k]
        for j in range(length):
            t = inner_off[k] + j
            if _uniform(state) < null_prior:
                links[t] = -1
                null[inner_tok[t]] += 1.0
                null_norm += 1.0
            else:
                i = min(int(_uniform(state) * size), size - 1)
                links[t] = i
                lex[cells[cell_off[k] + (i * length + j if transposed else j * size + i)]] += 1.0
                norm[outer_tok[outer_off[k] + i]] += 1.0
    inv_norm = 1.0 / norm

    last_stage = 0
    for stage in range(3):
        if iterations[stage] > 0:
            last_stage = stage
    for stage in range(last_stage + 1):
        if iterations[stage] <= 0:
            continue
        if stage >= 1:
            jumps[:] = jump_alpha
            _count_jumps(links, inner_off, outer_off, jumps, max_jump)
            jump_norm = jumps.sum()
        if stage == 2:
            fert[:] = fert_alpha
            _count_fertility(links, inner_off, outer_off, outer_tok, fertility, fert, width)
            for cell in range(len(fert)):
                if cell % width < width - 1:
                    grow[cell] = fert[cell + 1] / (fert[cell] - 1.0)
        first_summed = int(burn_in * iterations[stage]) if stage == last_stage else iterations[stage]
        for iteration in range(iterations[stage]):
            summing = iteration >= first_summed
            for k in range(len(inner_off) - 1):
                size = outer_off[k + 1] - outer_off[k]
                o0 = outer_off[k]
                c0 = cell_off[k]
                length = inner_off[k + 1] - inner_off[k]
                step = length if transposed else 1  # cells[first + i * step]: outer position i's cell
                prev = -1
                for j in range(length):
                    t = inner_off[k] + j
                    row = c0 + j * size
                    first = c0 + j if transposed else row
                    word = inner_tok[t]
                    old = links[t]
                    nxt = _next_link(links, t + 1, inner_off[k + 1], size) if stage >= 1 else size
                    # Take this word out of every count.
                    if old >= 0:
                        lex[cells[first + old * step]] -= 1.0
                        e = outer_tok[o0 + old]
                        norm[e] -= 1.0
                        inv_norm[e] = 1.0 / norm[e]
                        if stage >= 1:
                            jumps[_bucket(old - prev, max_jump)] -= 1.0
                            jumps[_bucket(nxt - old, max_jump)] -= 1.0
                            jump_norm -= 2.0
                        if stage == 2:
                            _move_fertility(fert, grow, fertility, o0 + old, e, -1, width)
                    else:
                        null[word] -= 1.0
                        null_norm -= 1.0
                        if stage >= 1:
                            jumps[_bucket(nxt - prev, max_jump)] -= 1.0
                            jump_norm -= 1.0
                    # Weights of NULL and of every outer position, all divided by the same constant: for IBM1
                    # (1 - null_prior) / I; for the HMM (1 - null_prior) / jump_norm, the jump probabilities
                    # entering with the exponent 1/2 (a square root, which IEEE rounds exactly).
                    total = odds * null[word] / null_norm
                    if stage == 0:
                        total *= size
                        for i in range(size):
                            weights[i + 1] = lex[cells[first + i * step]] * inv_norm[outer_tok[o0 + i]]
                    else:
                        total *= np.sqrt(jumps[_bucket(nxt - prev, max_jump)] * jump_norm)
                        for i in range(size):
                            e = outer_tok[o0 + i]
                            w = lex[cells[first + i * step]] * inv_norm[e]
                            w *= np.sqrt(jumps[_bucket(i - prev, max_jump)] * jumps[_bucket(nxt - i, max_jump)])
                            if stage == 2:
                                w *= grow[e * width + min(fertility[o0 + i], width - 1)]
                            weights[i + 1] = w
                    weights[0] = total
                    for i in range(size):
                        total += weights[i + 1]
                    # Draw, then put the word back into the counts under its new link.
                    target = _uniform(state) * total
                    choice = size
                    running = 0.0
                    for c in range(size + 1):
                        running += weights[c]
                        if target < running:
                            choice = c
                            break
                    if summing:
                        scale = 1.0 / total
                        out = row + inner_off[k] + j
                        for c in range(size + 1):
                            marginals[out + c] += weights[c] * scale
                    new = choice - 1
                    links[t] = new
                    if new >= 0:
                        lex[cells[first + new * step]] += 1.0
                        e = outer_tok[o0 + new]
                        norm[e] += 1.0
                        inv_norm[e] = 1.0 / norm[e]
                        if stage >= 1:
                            jumps[_bucket(new - prev, max_jump)] += 1.0
                            jumps[_bucket(nxt - new, max_jump)] += 1.0
                            jump_norm += 2.0
                        if stage == 2:
                            _move_fertility(fert, grow, fertility, o0 + new, e, 1, width)
                        prev = new
                    else:
                        null[word] += 1.0
                        null_norm += 1.0
                        if stage >= 1:
                            jumps[_bucket(nxt - prev, max_jump)] += 1.0
                            jump_norm += 1.0


@njit(cache=True, nogil=True)
def align_direction(
    outer_tok: IntArray,
    outer_off: IntArray,
    inner_tok: IntArray,
    inner_off: IntArray,
    cells: IntArray,
    cell_off: IntArray,
    lex_alpha: FloatArray,
    norm_alpha: FloatArray,
    null_alpha: FloatArray,
    jump_alpha: FloatArray,
    fert_alpha: FloatArray,
    iterations: IntArray,
    samplers: int,
    null_prior: float,
    burn_in: float,
    seed: int,
    run: int,
    direction: int,
    out: IntArray,
) -> None:  # pragma: no cover - compiled
    """One run of one direction: ``samplers`` chains, their marginals summed in order, then the argmax of each
    inner word (``-1`` for NULL) written to ``out``. Both directions read the forward direction's ``cells``
    (direction 1 across: :func:`run_chain`'s ``transposed``)."""
    marginals = np.zeros(len(cells) + len(inner_tok), dtype=np.float32)
    state = np.empty(1, dtype=np.uint64)
    for sampler in range(samplers):
        state[0] = chain_seed(seed, run, direction, sampler)
        run_chain(
            outer_tok, outer_off, inner_tok, inner_off, cells, cell_off, lex_alpha, norm_alpha, null_alpha,
            jump_alpha, fert_alpha, iterations, null_prior, burn_in, state, marginals, direction == 1,
        )  # fmt: skip
    for k in range(len(inner_off) - 1):
        size = outer_off[k + 1] - outer_off[k]
        for j in range(inner_off[k + 1] - inner_off[k]):
            row = cell_off[k] + inner_off[k] + j * (size + 1)
            best = 0
            for c in range(1, size + 1):
                if marginals[row + c] > marginals[row + best]:
                    best = c
            out[inner_off[k] + j] = best - 1
