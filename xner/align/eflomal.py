"""The ``eflomal`` backend: a weight-free statistical aligner (Östling & Tiedemann 2016), both directions.

Two engines run the same model (IBM1 -> HMM -> fertility, collapsed Gibbs sampling): with an integer ``seed`` (the
default, :data:`~xner.align.defaults.EFLOMAL_SEED`) our seeded re-implementation (:mod:`xner.align.sampler`), so
the same batch gives the same links in every process and on every machine; with ``seed=None`` the eflomal binary
of the PyPI package, which seeds itself from the operating system.

What :meth:`EflomalAligner.align` does with a batch (each step can be switched off):

1. **Priors**: pseudo-counts from a larger corpus (``eflomal:PRIORS_FILE``, or ``priors=``); with
   ``ortho_priors``, one lexical pseudo-count for every near-identical word pair of the batch
   (:mod:`xner.align.orthographic`) — names and numbers that a few hundred sentences cannot teach eflomal;
   with ``self_priors``, a first pass over the batch itself supplies priors for a second pass.
2. **Runs**: :data:`~xner.align.defaults.EFLOMAL_RUNS` independent runs (run ``r`` of direction ``d`` seeded from
   ``(seed, r, d)``); every run gives a forward and a reverse alignment.
3. **Merge**, fixed and order-free: with ``majority`` a link is kept when more than half of all 2 x runs
   directional alignments have it; the default ``majority-fill`` then links each target word the vote left
   unlinked where its alignments agree on a source word and its neighbour (:mod:`xner.align.vote`). With another
   heuristic, each direction is first voted over the runs (strict majority), then the heuristic combines the two
   (:mod:`xner.align.symmetrise`).
4. **Orthographic links** (``ortho_links``, off by default): a near-identical word pair replaces the other
   links of its two words.

With the binary the vote absorbs most, not all, of the sampling noise; with a seed there is none
(``docs/align.md``: reproducibility and quality, measured). Empty sentences get empty alignments and are not
sampled.
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
from xner.align.symmetrise import canonical, majority, majority_filled, symmetrise
from xner.errors import InputError

BoolMatrix = npt.NDArray[np.bool_]
Runs = list[tuple[list[Alignment], list[Alignment]]]
VOTES: dict[str, float | None] = {"majority": None, "majority-fill": defaults.EFLOMAL_FILL_SHARE}
"""The merges that vote over all 2 x runs directional alignments at once, and the share their fill needs."""


class EflomalAligner:
    """eflomal in both directions, several runs merged by a fixed vote (see the module docstring); ``seed=None``
    runs the eflomal binary instead of the seeded sampler."""

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
        seed: int | None = defaults.EFLOMAL_SEED,
    ) -> None:
        if runs < 1:
            raise InputError(f"eflomal runs must be at least 1, got {runs}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise InputError(f"the eflomal seed must be an integer or None, got {seed!r}")
        self.symmetrise = canonical(symmetrise)
        self.runs = runs
        self.seed = seed
        self.priors = Priors.read(priors) if isinstance(priors, str | Path) else priors
        self.ortho_priors = ortho_priors
        self.ortho_links = ortho_links
        self.self_priors = self_priors
        self.settings = settings or EflomalSettings()

    @classmethod
    def from_spec(
        cls,
        model: str | None,
        *,
        method: str | None = None,
        symmetrise: str | None = None,
        seed: int | None = defaults.EFLOMAL_SEED,
        layer: int | None = None,
    ) -> EflomalAligner:
        """Build from a spec: ``eflomal`` or ``eflomal:PRIORS_FILE``; ``seed`` as in the constructor (so
        ``load_aligner("eflomal", seed=None)`` runs the binary). eflomal has no extraction method and no layer."""
        if method is not None:
            raise InputError(
                f"extraction: the eflomal aligner has no extraction method (got {method!r}); extraction methods "
                "(argmax, itermax, match, softmax) belong to the encoder aligner"
            )
        if layer is not None:
            raise InputError(f"layer: the eflomal aligner has no encoder layer (got {layer}); it is the encoder's")
        return cls(priors=model, symmetrise=symmetrise or defaults.EFLOMAL_SYMMETRISE, seed=seed)

    def warm_up(self) -> None:
        """Get the seeded sampler ready before the first batch (see :func:`xner.align.sampler.warm_up`)."""
        if self.seed is not None:
            from xner.align.sampler import warm_up

            warm_up()

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
        ortho_priors = ortho if self.ortho_priors else None
        learned = Priors()
        if self.seed is not None and self.symmetrise in VOTES and not (learn or self.self_priors):
            # the default: the vote counted on the sampler's arrays, no alignment of a single run built
            from xner.align.sampler import sample

            priors = self._priors(batch_src, batch_tgt, ortho_priors) or None
            sampled = sample(
                batch_src, batch_tgt, settings=self.settings, seed=self.seed, runs=self.runs, priors=priors
            )
            voted = sampled.majority(VOTES[self.symmetrise])
        else:
            runs = self.runs_for(batch_src, batch_tgt, ortho_priors)
            voted = [
                Alignment.from_matrix(self._merge(runs, index, (len(s), len(t))))
                for index, (s, t) in enumerate(zip(batch_src, batch_tgt, strict=True))
            ]
            if learn:
                learned = Priors.from_alignments(batch_src, batch_tgt, *_votes(runs))
        for index, (k, alignment) in enumerate(zip(keep, voted, strict=True)):
            if self.ortho_links:
                shape = (len(batch_src[index]), len(batch_tgt[index]))
                alignment = Alignment.from_matrix(apply_orthographic(alignment.to_matrix(*shape), ortho[index]))
            result[k] = alignment
        return result, learned

    def runs_for(
        self,
        src: Sequence[Sequence[str]],
        tgt: Sequence[Sequence[str]],
        ortho: Sequence[BoolMatrix] | None = None,
    ) -> Runs:
        """The directional alignments of every run on non-empty pairs, with every prior this aligner uses."""
        priors = self._priors(src, tgt, ortho)
        runs = self._run(src, tgt, priors or None)
        if self.self_priors:
            learned = Priors.from_alignments(src, tgt, *_votes(runs)).scaled(defaults.EFLOMAL_PRIOR_WEIGHT)
            runs = self._run(src, tgt, priors.merged(learned))
        return runs

    def _priors(
        self, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]], ortho: Sequence[BoolMatrix] | None
    ) -> Priors:
        """The given priors, plus one lexical pseudo-count per orthographic link when ``ortho`` is given."""
        priors = self.priors or Priors()
        if ortho is None:
            return priors
        pairs = [
            (s[i], t[j])
            for s, t, matrix in zip(src, tgt, ortho, strict=True)
            for i, j in zip(*np.nonzero(matrix), strict=True)
        ]
        return priors.merged(lexical_priors(pairs, defaults.EFLOMAL_PRIOR_WEIGHT))

    def _run(self, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]], priors: Priors | None) -> Runs:
        """Every run in both directions: the seeded sampler, or the OS-seeded binary when ``seed`` is ``None``."""
        if self.seed is None:
            return run_eflomal(src, tgt, settings=self.settings, runs=self.runs, priors=priors)
        from xner.align.sampler import sample

        return sample(src, tgt, settings=self.settings, seed=self.seed, runs=self.runs, priors=priors).alignments()

    def _merge(self, runs: Runs, index: int, shape: tuple[int, int]) -> BoolMatrix:
        """One pair's links from all runs: a majority over every directional alignment, or vote then symmetrise."""
        forward = [run[0][index].to_matrix(*shape) for run in runs]
        reverse = [run[1][index].to_matrix(*shape) for run in runs]
        if self.symmetrise in VOTES:
            share = VOTES[self.symmetrise]
            return majority(forward + reverse) if share is None else majority_filled(forward + reverse, share)
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
