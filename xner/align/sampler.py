"""The seeded eflomal engine: eflomal's model (Östling & Tiedemann 2016, "Efficient word alignment with Markov
Chain Monte Carlo", PBML 106) re-implemented from the paper as a collapsed Gibbs sampler compiled with numba.

The model is the one the binary runs: IBM1, then HMM, then HMM + fertility, each word's link sampled with every
Dirichlet-multinomial (lexical, NULL, jumps, fertilities) integrated out; several independent samplers per
direction whose sampling distributions, summed over the second half of the last model's iterations, give each
word its most probable link (or none, for NULL). The iteration schedule is :meth:`EflomalSettings.iterations`,
the pseudo-counts are eflomal's (:mod:`xner.align.defaults`), and :class:`~xner.align.priors.Priors` add to
them.

Unlike the binary, it takes a seed: sampler ``s`` of run ``r`` in direction ``d`` draws from SplitMix64 seeded
by hashing ``(seed, r, d, s)``, and only IEEE +, -, *, / and square roots in a fixed order touch the
probabilities, so a seed gives the same links in every process, on every machine and with any number of threads
(the 2 x ``runs`` independent jobs run in parallel threads; none depends on another or on the scheduling). This
module turns tokens and priors into arrays; the kernels are in :mod:`xner.align._gibbs` (compiled once, then
cached on disk by numba). Differences from the paper's plain model: the jump probabilities enter with the
exponent 1/2 (see :mod:`xner.align._gibbs`), and sentences keep the binary's limit of
:data:`~xner.align.defaults.EFLOMAL_MAX_TOKENS` tokens.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from xner.align import defaults
from xner.align._eflomal_run import EflomalSettings, Vocabulary, check_pairs
from xner.align.base import Alignment
from xner.align.priors import Priors
from xner.align.vote import fill_unlinked
from xner.errors import LimitError
from xner.memory import map_large_blocks, release_free_memory
from xner.progress import report

IntArray = npt.NDArray[np.int64]
CELL_DTYPE = np.int32
"""The ids of the cells (distinct word pairs of a batch): half the memory of int64 on the largest arrays."""
CellArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
NULL_WORD = "<null>"
"""The word that stands for NULL in a priors file (as in eflomal's own)."""


@dataclass(frozen=True, slots=True)
class SampledRuns:
    """The links of every run, as arrays: ``forward[r, t]`` is the source position target word ``t`` (corpus-wide)
    links to in run ``r``, ``reverse[r, s]`` the target position of source word ``s``, ``-1`` for NULL; sentence
    pair ``k`` owns source words ``src_off[k]:src_off[k+1]`` and target words ``tgt_off[k]:tgt_off[k+1]``."""

    forward: IntArray
    reverse: IntArray
    src_off: IntArray
    tgt_off: IntArray

    def alignments(self) -> list[tuple[list[Alignment], list[Alignment]]]:
        """Each run's (forward links, reverse links) per pair."""
        return [
            (
                _links(self.forward[r], self.tgt_off, transpose=False),
                _links(self.reverse[r], self.src_off, transpose=True),
            )
            for r in range(len(self.forward))
        ]

    def majority(self, fill_share: float | None = None) -> list[Alignment]:
        """Per pair, the links more than half of all 2 x runs directional alignments have, counted over the whole
        batch at once: no alignment of a single run is ever built. With ``fill_share``, target words the vote leaves
        unlinked are then filled (:func:`~xner.align.vote.fill_unlinked`; the ``majority-fill`` of
        :class:`~xner.align.eflomal.EflomalAligner`)."""
        n_pairs, runs = len(self.src_off) - 1, len(self.forward)
        width = defaults.EFLOMAL_MAX_TOKENS + 1  # a target position is below this
        target_pair = np.repeat(np.arange(n_pairs), np.diff(self.tgt_off))
        source_pair = np.repeat(np.arange(n_pairs), np.diff(self.src_off))
        target_local = np.arange(len(target_pair)) - self.tgt_off[target_pair]
        keys = []  # (corpus-wide source position) * width + target position in its sentence, one per link
        for r in range(runs):
            linked = np.flatnonzero(self.forward[r] >= 0)
            keys.append((self.src_off[target_pair[linked]] + self.forward[r][linked]) * width + target_local[linked])
            linked = np.flatnonzero(self.reverse[r] >= 0)
            keys.append(linked * width + self.reverse[r][linked])
        key, votes = np.unique(np.concatenate(keys), return_counts=True)
        kept = votes > runs  # more than half of the 2 x runs alignments
        if fill_share is not None and key.size:
            position = key // width
            target = self.tgt_off[source_pair[position]] + key % width  # corpus-wide; still sorted within a position
            linked_target = np.zeros(len(target_pair), dtype=bool)
            linked_target[target[kept]] = True
            kept |= fill_unlinked(position, target, votes, source_pair, linked_target, fill_share * 2 * runs)
        key = key[kept]
        position, j = key // width, key % width
        pair = source_pair[position]
        i = position - self.src_off[pair]
        bounds = np.searchsorted(pair, np.arange(n_pairs + 1)).tolist()
        links = list(zip(i.tolist(), j.tolist(), strict=True))
        return [Alignment(tuple(links[bounds[k] : bounds[k + 1]])) for k in range(n_pairs)]


def sample(
    src: Sequence[Sequence[str]],
    tgt: Sequence[Sequence[str]],
    *,
    settings: EflomalSettings,
    seed: int,
    runs: int = 1,
    priors: Priors | None = None,
    threads: int | None = None,
) -> SampledRuns:
    """Align non-empty sentence pairs ``runs`` times, deterministically for a ``seed``, into arrays
    (:meth:`SampledRuns.alignments` gives each run's links per pair, as :func:`~xner.align._eflomal_run.run_eflomal`
    does; :meth:`SampledRuns.majority` the default vote). The 2 x ``runs`` jobs share ``threads`` threads (default:
    one per CPU), which changes the time, never the links."""
    check_pairs(src, tgt)
    empty = np.zeros((runs, 0), dtype=np.int64)
    if not src:
        return SampledRuns(empty, empty, np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64))
    src_vocab, tgt_vocab = Vocabulary(), Vocabulary()
    src_ids = [np.asarray(src_vocab.encode(s), dtype=np.int64) for s in src]
    tgt_ids = [np.asarray(tgt_vocab.encode(t), dtype=np.int64) for t in tgt]
    large = sum(len(s) * len(t) for s, t in zip(src_ids, tgt_ids, strict=True)) >= defaults.EFLOMAL_TRIM_CELLS
    if large:  # before the batch's arrays exist: from now on they are mapped and unmapped on their own
        map_large_blocks()
    pair_keys, cells, cell_off = _cells(src_ids, tgt_ids, len(tgt_vocab.ids))
    lex, norm_f, norm_r, null_f, null_r, jump_f, jump_r, fert_f, fert_r = _prior_arrays(
        priors or Priors(), src_vocab, tgt_vocab, pair_keys
    )
    del pair_keys
    src_tok, src_off = np.concatenate(src_ids), _offsets(src_ids)
    tgt_tok, tgt_off = np.concatenate(tgt_ids), _offsets(tgt_ids)
    forward = np.empty((runs, len(tgt_tok)), dtype=np.int64)
    reverse = np.empty((runs, len(src_tok)), dtype=np.int64)
    sides = (  # (outer, inner) words, cells (one array: the reverse reads it across) and pseudo-counts of each
        (src_tok, src_off, tgt_tok, tgt_off, cells, cell_off, lex, norm_f, null_f, jump_f, fert_f),  # direction
        (tgt_tok, tgt_off, src_tok, src_off, cells, cell_off, lex, norm_r, null_r, jump_r, fert_r),
    )
    outputs = (forward, reverse)
    schedule = (
        np.asarray(settings.iterations(len(src)), dtype=np.int64),
        settings.samplers,
        float(settings.null_prior),
        float(defaults.EFLOMAL_BURN_IN),
        seed % (1 << 63),  # any Python int, as the non-negative int64 numba takes
    )
    # The 2 x runs jobs are independent (each has its own RNG state and counts), so the threads that run them, and
    # their order, cannot change a result; the kernel releases the GIL.
    jobs = [(run, direction) for run in range(runs) for direction in (0, 1)]
    with ThreadPoolExecutor(max_workers=max(1, min(len(jobs), threads or os.cpu_count() or 1))) as pool:
        done = [pool.submit(_job, sides[d], schedule, run, d, outputs[d][run]) for run, d in jobs]
        report("eflomal runs (both directions)", 0, len(jobs))
        for finished, future in enumerate(done, start=1):
            future.result()
            report("eflomal runs (both directions)", finished, len(jobs))
    if large:
        del cells, sides  # the jobs' marginals are freed already: hand the pages back (xner.memory)
        release_free_memory()
    return SampledRuns(forward, reverse, src_off, tgt_off)


def warm_up() -> None:
    """Compile the sampler's kernels, or load them from numba's on-disk cache, with a one-word alignment: a server
    does it while it loads its models, so its first job does not wait for the compiler (seconds, once per
    installation)."""
    sample([["a"]], [["a"]], settings=EflomalSettings(), seed=0, threads=1)


def _cells(
    src_ids: Sequence[IntArray], tgt_ids: Sequence[IntArray], n_tgt: int
) -> tuple[IntArray, CellArray, IntArray]:
    """Every (source word, target word) pair that meets in a sentence pair, as a sorted key ``s * n_tgt + t``, and
    the id (index of that key) of each cell: ``cells[off[k] + j * I + i]`` for target word ``j`` and source word
    ``i`` of pair ``k`` (the reverse direction reads the same array across, ``off[k] + i * J + j``).

    Memory stays near the distinct keys and one int32 id per cell: the keys of about
    :data:`~xner.align.defaults.EFLOMAL_CELL_SLICE` cells at a time are made twice (once to collect the distinct
    ones, once to number the cells)."""
    pairs = list(zip(src_ids, tgt_ids, strict=True))
    offsets = np.concatenate([[0], np.cumsum([len(s) * len(t) for s, t in pairs])]).astype(np.int64)
    cut = np.searchsorted(offsets, np.arange(0, int(offsets[-1]), defaults.EFLOMAL_CELL_SLICE), side="right") - 1
    groups = list(itertools.pairwise([*dict.fromkeys(cut.tolist()), len(pairs)]))

    def keys(lo: int, hi: int) -> IntArray:
        return np.concatenate([np.add.outer(t, s * n_tgt).ravel() for s, t in pairs[lo:hi]])

    distinct = np.zeros(0, dtype=np.int64)
    for lo, hi in groups:
        distinct = np.union1d(distinct, keys(lo, hi))
    if len(distinct) > np.iinfo(CELL_DTYPE).max:
        raise LimitError(f"{len(distinct):,} distinct word pairs: eflomal takes at most {np.iinfo(CELL_DTYPE).max:,}")
    bounds = offsets.tolist()
    forward = np.empty(bounds[-1], dtype=CELL_DTYPE)
    for lo, hi in groups:
        forward[bounds[lo] : bounds[hi]] = np.searchsorted(distinct, keys(lo, hi))
    return distinct, forward, offsets


def _job(side: tuple[Any, ...], schedule: tuple[Any, ...], run: int, direction: int, out: IntArray) -> None:
    """One run of one direction (:func:`xner.align._gibbs.align_direction`, imported with numba only here)."""
    from xner.align._gibbs import align_direction

    kernel: Callable[..., None] = align_direction  # a numba dispatcher: its signature is the Python function's
    kernel(*side, *schedule, run, direction, out)


def _offsets(sentences: Sequence[IntArray]) -> IntArray:
    return np.concatenate([[0], np.cumsum([len(s) for s in sentences])]).astype(np.int64)


def _links(chosen: IntArray, inner_off: IntArray, *, transpose: bool) -> list[Alignment]:
    """Per sentence, the links (source, target) of every inner word not aligned to NULL."""
    result = []
    for k in range(len(inner_off) - 1):
        row = chosen[inner_off[k] : inner_off[k + 1]].tolist()
        if transpose:
            result.append(Alignment(tuple((i, j) for i, j in enumerate(row) if j >= 0)))
        else:
            result.append(Alignment.from_links((i, j) for j, i in enumerate(row) if i >= 0))
    return result


def _prior_arrays(
    priors: Priors, src_vocab: Vocabulary, tgt_vocab: Vocabulary, pair_keys: IntArray
) -> tuple[FloatArray, ...]:
    """The pseudo-counts of every distribution, eflomal's defaults plus ``priors`` (words the batch lacks are
    dropped, as the binary drops them): lexical per pair, lexical normalisers and NULL per word, jumps,
    fertilities — for the forward and the reverse direction."""
    n_src, n_tgt = len(src_vocab.ids), len(tgt_vocab.ids)
    lex = np.full(len(pair_keys), defaults.EFLOMAL_LEX_ALPHA)
    norm_forward = np.full(n_src, defaults.EFLOMAL_LEX_ALPHA * n_tgt)
    norm_reverse = np.full(n_tgt, defaults.EFLOMAL_LEX_ALPHA * n_src)
    null_forward = np.full(n_tgt, defaults.EFLOMAL_NULL_ALPHA)
    null_reverse = np.full(n_src, defaults.EFLOMAL_NULL_ALPHA)
    for (s, t), alpha in priors.lex.items():
        e, f = src_vocab.ids.get(s), tgt_vocab.ids.get(t)
        if s == NULL_WORD and f is not None:
            null_forward[f] += alpha
        elif t == NULL_WORD and e is not None:
            null_reverse[e] += alpha
        elif e is not None and f is not None:
            norm_forward[e] += alpha
            norm_reverse[f] += alpha
            index = int(np.searchsorted(pair_keys, e * n_tgt + f))
            if index < len(pair_keys) and pair_keys[index] == e * n_tgt + f:
                lex[index] += alpha
    return (
        lex,
        norm_forward,
        norm_reverse,
        null_forward,
        null_reverse,
        _jumps(priors.hmm_forward),
        _jumps(priors.hmm_reverse),
        _fertilities(priors.fert_forward, src_vocab),
        _fertilities(priors.fert_reverse, tgt_vocab),
    )


def _jumps(prior: dict[int, float]) -> FloatArray:
    width = defaults.EFLOMAL_MAX_JUMP
    alpha = np.full(2 * width + 1, defaults.EFLOMAL_JUMP_ALPHA)
    for jump, count in prior.items():
        alpha[min(max(jump, -width), width) + width] += count
    return alpha


def _fertilities(prior: dict[tuple[str, int], float], vocab: Vocabulary) -> FloatArray:
    width = defaults.EFLOMAL_MAX_FERTILITY + 1
    alpha = np.full(len(vocab.ids) * width, defaults.EFLOMAL_FERT_ALPHA)
    for (word, fertility), count in prior.items():
        index = vocab.ids.get(word)
        if index is not None and fertility >= 0:
            alpha[index * width + min(fertility, width - 1)] += count
    return alpha
