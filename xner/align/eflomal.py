"""The ``eflomal`` backend: a weight-free statistical aligner (Östling & Tiedemann 2016), both directions.

What :meth:`EflomalAligner.align` does with a batch (each step can be switched off):

1. **Vote**: eflomal samples from a random seed it takes from the system, so one run is not reproducible.
   We run it :data:`~xner.align.defaults.EFLOMAL_RUNS` times and keep a directional link when a strict majority
   of runs has it. The merge is fixed and the vote absorbs almost all of the sampling noise.
2. **Priors**: pseudo-counts from a larger corpus (``eflomal:PRIORS_FILE``, or ``priors=``), plus, with
   ``orthographic``, a lexical prior for every near-identical word pair of the batch; with ``self_priors``, a
   first voted pass over the batch itself supplies priors for a second pass.
3. **Symmetrise** the voted forward and reverse links (:mod:`xner.align.symmetrise`).
4. **Orthographic links** (:mod:`xner.align.orthographic`): a near-identical word pair replaces the other links
   of its two words.

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
from xner.align.symmetrise import canonical, symmetrise
from xner.errors import InputError

BoolMatrix = npt.NDArray[np.bool_]


class EflomalAligner:
    """eflomal in both directions, voted over several runs, symmetrised (see the module docstring)."""

    name = "eflomal"

    def __init__(
        self,
        *,
        symmetrise: str = defaults.EFLOMAL_SYMMETRISE,
        runs: int = defaults.EFLOMAL_RUNS,
        priors: Priors | str | Path | None = None,
        self_priors: bool = defaults.EFLOMAL_SELF_PRIORS,
        orthographic: bool = defaults.ORTHOGRAPHIC,
        settings: EflomalSettings | None = None,
    ) -> None:
        if runs < 1:
            raise InputError(f"eflomal runs must be at least 1, got {runs}")
        self.symmetrise = canonical(symmetrise)
        self.runs = runs
        self.priors = Priors.read(priors) if isinstance(priors, str | Path) else priors
        self.self_priors = self_priors
        self.orthographic = orthographic
        self.settings = settings or EflomalSettings()

    @classmethod
    def from_spec(cls, model: str | None, *, method: str | None = None, symmetrise: str | None = None) -> EflomalAligner:
        """Build from a spec: ``eflomal`` or ``eflomal:PRIORS_FILE``. eflomal has no extraction method."""
        if method is not None:
            raise InputError(
                f"the eflomal aligner takes no --method (got {method!r}); methods belong to the encoder aligner"
            )
        return cls(priors=model, symmetrise=symmetrise or defaults.EFLOMAL_SYMMETRISE)

    def align(self, src: Batch, tgt: Batch) -> list[Alignment]:
        """Align ``src[k]`` with ``tgt[k]`` for every ``k``."""
        check_batch(src, tgt)
        result = [Alignment() for _ in src]
        keep = [k for k, (s, t) in enumerate(zip(src, tgt, strict=True)) if s and t]
        if not keep:
            return result
        batch_src = [list(src[k]) for k in keep]
        batch_tgt = [list(tgt[k]) for k in keep]
        ortho = [orthographic_links(s, t) for s, t in zip(batch_src, batch_tgt, strict=True)] if self.orthographic else None
        forward, reverse = self.directional(batch_src, batch_tgt, ortho)
        for k, s, t, fwd, rev, index in zip(
            keep, batch_src, batch_tgt, forward, reverse, range(len(keep)), strict=True
        ):
            links = symmetrise(fwd.to_matrix(len(s), len(t)), rev.to_matrix(len(s), len(t)), self.symmetrise)
            if ortho is not None:
                links = apply_orthographic(links, ortho[index])
            result[k] = Alignment.from_matrix(links)
        return result

    def directional(
        self,
        src: Sequence[Sequence[str]],
        tgt: Sequence[Sequence[str]],
        ortho: Sequence[BoolMatrix] | None = None,
    ) -> tuple[list[Alignment], list[Alignment]]:
        """Voted forward and reverse links of non-empty sentence pairs, with every prior this aligner uses."""
        priors = self.priors or Priors()
        if ortho is not None:
            pairs = [
                (s[i], t[j])
                for s, t, matrix in zip(src, tgt, ortho, strict=True)
                for i, j in zip(*np.nonzero(matrix), strict=True)
            ]
            priors = priors.merged(lexical_priors(pairs, defaults.EFLOMAL_PRIOR_WEIGHT))
        forward, reverse = self._voted(src, tgt, priors)
        if self.self_priors:
            learned = Priors.from_alignments(src, tgt, forward, reverse).scaled(defaults.EFLOMAL_PRIOR_WEIGHT)
            forward, reverse = self._voted(src, tgt, priors.merged(learned))
        return forward, reverse

    def _voted(
        self, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]], priors: Priors
    ) -> tuple[list[Alignment], list[Alignment]]:
        runs = run_eflomal(src, tgt, settings=self.settings, runs=self.runs, priors=priors or None)
        majority = self.runs // 2 + 1
        forward = [_vote([run[0][k] for run in runs], majority) for k in range(len(src))]
        reverse = [_vote([run[1][k] for run in runs], majority) for k in range(len(src))]
        return forward, reverse


def _vote(alignments: Sequence[Alignment], majority: int) -> Alignment:
    """The links that at least ``majority`` of the alignments have."""
    counts: dict[tuple[int, int], int] = {}
    for alignment in alignments:
        for link in alignment:
            counts[link] = counts.get(link, 0) + 1
    return Alignment.from_links(link for link, count in counts.items() if count >= majority)
