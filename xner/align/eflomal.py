"""The ``eflomal`` backend: a weight-free statistical aligner (Östling & Tiedemann 2016), both directions.

What :meth:`EflomalAligner.align` does with a batch (each step can be switched off):

1. **Priors**: pseudo-counts from a larger corpus (``eflomal:PRIORS_FILE``, or ``priors=``); with
   ``ortho_priors``, one lexical pseudo-count for every near-identical word pair of the batch
   (:mod:`xner.align.orthographic`) — names and numbers that a few hundred sentences cannot teach eflomal;
   with ``self_priors``, a first pass over the batch itself supplies priors for a second pass.
2. **Runs**: eflomal seeds its sampler from the system, so one run is not reproducible. It runs
   :data:`~xner.align.defaults.EFLOMAL_RUNS` times; every run gives a forward and a reverse alignment.
3. **Merge**, fixed and order-free: with the default symmetrisation ``majority`` a link is kept when more than
   half of all 2 x runs directional alignments have it. With another heuristic, each direction is first
   voted over the runs (strict majority), then the heuristic combines the two (:mod:`xner.align.symmetrise`).
4. **Orthographic links** (``ortho_links``, off by default): a near-identical word pair replaces the other
   links of its two words.

The vote absorbs nearly all of the sampling noise (see ``docs/align.md``: how reproducible, measured).
Empty sentences get empty alignments and are not shown to eflomal.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from xner.align import defaults
from xner.align._eflomal_run import EflomalSettings, run_eflomal
from xner.align.base import Alignment, Batch, check_batch
from xner.align.orthographic import apply_orthographic, orthographic_links
from xner.align.priors import Priors, lexical_priors
from xner.align.symmetrise import canonical, majority, symmetrise
from xner.errors import InputError

BoolMatrix = npt.NDArray[np.bool_]
Runs = list[tuple[list[Alignment], list[Alignment]]]


class EflomalAligner:
    """eflomal in both directions, several runs merged by a fixed vote (see the module docstring)."""

    name = "eflomal"

    def __init__(
        self,
        *,
        symmetrise: str = defaults.EFLOMAL_SYMMETRISE,
        runs: int = defaults.EFLOMAL_RUNS,
        priors: Priors | str | Path | None = None,
        ortho_priors: bool = defaults.EFLOMAL_ORTHO_PRIORS,
        ortho_links: bool = defaults.EFLOMAL_ORTHO_LINKS,
        self_priors: bool = defaults.EFLOMAL_SELF_PRIORS,
        settings: EflomalSettings | None = None,
    ) -> None:
        if runs < 1:
            raise InputError(f"eflomal runs must be at least 1, got {runs}")
        self.symmetrise = canonical(symmetrise)
        self.runs = runs
        self.priors = Priors.read(priors) if isinstance(priors, str | Path) else priors
        self.ortho_priors = ortho_priors
        self.ortho_links = ortho_links
        self.self_priors = self_priors
        self.settings = settings or EflomalSettings()

    @classmethod
    def from_spec(
        cls, model: str | None, *, method: str | None = None, symmetrise: str | None = None
    ) -> EflomalAligner:
        """Build from a spec: ``eflomal`` or ``eflomal:PRIORS_FILE``. eflomal has no extraction method."""
        if method is not None:
            raise InputError(
                f"extraction: the eflomal aligner has no extraction method (got {method!r}); extraction methods "
                "(argmax, itermax, match, softmax) belong to the encoder aligner"
            )
        return cls(priors=model, symmetrise=symmetrise or defaults.EFLOMAL_SYMMETRISE)

    def align(self, src: Batch, tgt: Batch) -> list[Alignment]:
        """Align ``src[k]`` with ``tgt[k]`` for every ``k``."""
        return self._align(src, tgt, learn=False)[0]

    def learn_priors(self, src: Batch, tgt: Batch) -> Priors:
        """Priors learnt from aligning a (larger) parallel corpus, to help later small batches.

        Pass them back as ``priors=`` or save them (:meth:`Priors.write`) for the spec ``eflomal:FILE``.
        """
        return self._align(src, tgt, learn=True)[1]

    def align_and_learn(self, src: Batch, tgt: Batch) -> tuple[list[Alignment], Priors]:
        """:meth:`align` and :meth:`learn_priors` from one set of eflomal runs."""
        return self._align(src, tgt, learn=True)

    def _align(self, src: Batch, tgt: Batch, *, learn: bool) -> tuple[list[Alignment], Priors]:
        check_batch(src, tgt)
        result = [Alignment() for _ in src]
        keep = [k for k, (s, t) in enumerate(zip(src, tgt, strict=True)) if s and t]
        if not keep:
            return result, Priors()
        batch_src = [list(src[k]) for k in keep]
        batch_tgt = [list(tgt[k]) for k in keep]
        need_ortho = self.ortho_priors or self.ortho_links
        ortho = [orthographic_links(s, t) for s, t in zip(batch_src, batch_tgt, strict=True)] if need_ortho else []
        runs = self.runs_for(batch_src, batch_tgt, ortho if self.ortho_priors else None)
        for index, k in enumerate(keep):
            shape = (len(batch_src[index]), len(batch_tgt[index]))
            links = self._merge(runs, index, shape)
            if self.ortho_links:
                links = apply_orthographic(links, ortho[index])
            result[k] = Alignment.from_matrix(links)
        return result, (Priors.from_alignments(batch_src, batch_tgt, *_votes(runs)) if learn else Priors())

    def runs_for(
        self,
        src: Sequence[Sequence[str]],
        tgt: Sequence[Sequence[str]],
        ortho: Sequence[BoolMatrix] | None = None,
    ) -> Runs:
        """The directional alignments of every run on non-empty pairs, with every prior this aligner uses."""
        priors = self.priors or Priors()
        if ortho is not None:
            pairs = [
                (s[i], t[j])
                for s, t, matrix in zip(src, tgt, ortho, strict=True)
                for i, j in zip(*np.nonzero(matrix), strict=True)
            ]
            priors = priors.merged(lexical_priors(pairs, defaults.EFLOMAL_PRIOR_WEIGHT))
        runs = run_eflomal(src, tgt, settings=self.settings, runs=self.runs, priors=priors or None)
        if self.self_priors:
            learned = Priors.from_alignments(src, tgt, *_votes(runs)).scaled(defaults.EFLOMAL_PRIOR_WEIGHT)
            runs = run_eflomal(src, tgt, settings=self.settings, runs=self.runs, priors=priors.merged(learned))
        return runs

    def _merge(self, runs: Runs, index: int, shape: tuple[int, int]) -> BoolMatrix:
        """One pair's links from all runs: a majority over every directional alignment, or vote then symmetrise."""
        forward = [run[0][index].to_matrix(*shape) for run in runs]
        reverse = [run[1][index].to_matrix(*shape) for run in runs]
        if self.symmetrise == "majority":
            return majority(forward + reverse)
        return symmetrise(majority(forward), majority(reverse), self.symmetrise)


def _vote(alignments: Sequence[Alignment]) -> Alignment:
    """The links that more than half of the alignments have."""
    counts: dict[tuple[int, int], int] = {}
    for alignment in alignments:
        for link in alignment:
            counts[link] = counts.get(link, 0) + 1
    return Alignment.from_links(link for link, count in counts.items() if 2 * count > len(alignments))


def _votes(runs: Runs) -> tuple[list[Alignment], list[Alignment]]:
    """Per pair, the forward and the reverse links most runs agree on."""
    n = len(runs[0][0]) if runs else 0
    forward = [_vote([run[0][k] for run in runs]) for k in range(n)]
    reverse = [_vote([run[1][k] for run in runs]) for k in range(n)]
    return forward, reverse
