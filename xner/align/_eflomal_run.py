"""Run the eflomal binary (PyPI ``eflomal``) on a batch of sentence pairs: files in, directional links out.

Its settings (:class:`EflomalSettings`), vocabulary and input checks are shared with the seeded sampler
(:mod:`xner.align.sampler`), which runs the same model in-process.

We write eflomal's input files ourselves (integer-coded, lowercased tokens, as ``eflomal.Aligner`` does) so any
token string is safe, and call the binary directly, so no ``PATH`` set-up is needed.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xner.align import defaults
from xner.align.base import Alignment
from xner.align.priors import Priors
from xner.errors import BackendError, BackendUnavailable, LimitError

INSTALL_HINT = "install the eflomal package: pip install 'xner[align]' (or pip install eflomal)"


def eflomal_binary() -> str:
    """The path of the eflomal executable shipped with the ``eflomal`` package (else on ``PATH``)."""
    try:
        import eflomal
    except ImportError:
        eflomal = None
    if eflomal is not None:
        candidate = Path(eflomal.__file__).parent / "bin" / "eflomal"
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("eflomal")
    if found is None or eflomal is None:
        raise BackendUnavailable(f"the eflomal aligner is not available: {INSTALL_HINT}")
    return found


@dataclass(frozen=True, slots=True)
class EflomalSettings:
    """How one eflomal run samples (see :mod:`xner.align.defaults`)."""

    model: int = defaults.EFLOMAL_MODEL
    samplers: int = defaults.EFLOMAL_SAMPLERS
    null_prior: float = defaults.EFLOMAL_NULL_PRIOR
    rel_iterations: float = 1.0

    def iterations(self, n_sentences: int) -> tuple[int, int, int]:
        """IBM1, HMM and fertility iterations, as eflomal chooses them for a corpus of ``n_sentences``."""
        iters = max(2, round(self.rel_iterations * 5000 / math.sqrt(max(1, n_sentences))))
        quarter = max(1, iters // 4)
        if self.model == 1:
            return iters, 0, 0
        if self.model == 2:
            return max(2, quarter), iters, 0
        return max(2, quarter), quarter, iters


def check_pairs(src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]]) -> None:
    """Raise unless every pair is non-empty and no sentence is longer than
    :data:`~xner.align.defaults.EFLOMAL_MAX_TOKENS` (both engines keep eflomal's limit)."""
    for k, (s, t) in enumerate(zip(src, tgt, strict=True)):
        if not s or not t:
            raise ValueError(f"sentence pair {k} is empty; empty pairs must be filtered before eflomal")
        if max(len(s), len(t)) > defaults.EFLOMAL_MAX_TOKENS:
            raise LimitError(
                f"sentence pair {k} has {max(len(s), len(t))} tokens; eflomal aligns at most "
                f"{defaults.EFLOMAL_MAX_TOKENS} (EFLOMAL_MAX_TOKENS); split it or use the encoder aligner"
            )


class Vocabulary:
    """Lowercased word -> 0-based id, in order of first appearance."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def encode(self, sentence: Sequence[str]) -> list[int]:
        return [self.ids.setdefault(word.lower(), len(self.ids)) for word in sentence]

    def prior_id(self, word: str) -> int | None:
        """The id the binary's priors file uses: 1-based, 0 for ``<null>``, ``None`` if the word is absent."""
        if word == "<null>":
            return 0
        index = self.ids.get(word)
        return None if index is None else index + 1


def _write_text(path: Path, sentences: Sequence[Sequence[int]], vocabulary_size: int) -> None:
    with open(path, "w", encoding="ascii") as out:
        out.write(f"{len(sentences)} {vocabulary_size}\n")
        for sentence in sentences:
            out.write(" ".join([str(len(sentence)), *map(str, sentence)]) + "\n")


def _write_priors(path: Path, priors: Priors, src_vocab: Vocabulary, tgt_vocab: Vocabulary) -> None:
    """The binary's priors format: ids are 1-based (0 is NULL), unknown words are dropped."""
    lex: dict[tuple[int, int], float] = {}
    for (s, t), alpha in priors.lex.items():
        e, f = src_vocab.prior_id(s), tgt_vocab.prior_id(t)
        if e is not None and f is not None:
            lex[(e, f)] = lex.get((e, f), 0.0) + alpha
    ferf = {(src_vocab.ids[w] + 1, k): a for (w, k), a in priors.fert_forward.items() if w in src_vocab.ids}
    ferr = {(tgt_vocab.ids[w] + 1, k): a for (w, k), a in priors.fert_reverse.items() if w in tgt_vocab.ids}
    with open(path, "w", encoding="ascii") as out:
        out.write(
            f"{len(src_vocab.ids) + 1} {len(tgt_vocab.ids) + 1} {len(lex)} {len(priors.hmm_forward)} "
            f"{len(priors.hmm_reverse)} {len(ferf)} {len(ferr)}\n"
        )
        for (e, f), alpha in sorted(lex.items()):
            out.write(f"{e} {f} {alpha:g}\n")
        for jump, alpha in sorted(priors.hmm_forward.items()):
            out.write(f"{jump} {alpha:g}\n")
        for jump, alpha in sorted(priors.hmm_reverse.items()):
            out.write(f"{jump} {alpha:g}\n")
        for (e, fert), alpha in sorted(ferf.items()):
            out.write(f"{e} {fert} {alpha:g}\n")
        for (f, fert), alpha in sorted(ferr.items()):
            out.write(f"{f} {fert} {alpha:g}\n")


def _read_links(path: Path, count: int) -> list[Alignment]:
    lines = path.read_text(encoding="ascii").split("\n")[:count]
    if len(lines) != count:
        raise BackendError(f"eflomal wrote {len(lines)} alignments for {count} sentence pairs")
    return [Alignment.from_pharaoh(line, source="eflomal output") for line in lines]


def run_eflomal(
    src: Sequence[Sequence[str]],
    tgt: Sequence[Sequence[str]],
    *,
    settings: EflomalSettings,
    runs: int = 1,
    priors: Priors | None = None,
) -> list[tuple[list[Alignment], list[Alignment]]]:
    """Align non-empty sentence pairs ``runs`` times with the eflomal binary (seeded by the operating system); each
    run gives (forward links, reverse links) per pair.

    Links are (source index, target index) in both directions. Sentences longer than eflomal's buffer are a
    :class:`LimitError`.
    """
    check_pairs(src, tgt)
    binary = eflomal_binary()
    src_vocab, tgt_vocab = Vocabulary(), Vocabulary()
    src_ids = [src_vocab.encode(s) for s in src]
    tgt_ids = [tgt_vocab.encode(t) for t in tgt]
    results: list[tuple[list[Alignment], list[Alignment]]] = []
    with tempfile.TemporaryDirectory(prefix="xner-eflomal-") as tmp:
        folder = Path(tmp)
        _write_text(folder / "src", src_ids, len(src_vocab.ids))
        _write_text(folder / "tgt", tgt_ids, len(tgt_vocab.ids))
        i1, i2, i3 = settings.iterations(len(src))
        command = [binary, "-m", str(settings.model), "-s", str(folder / "src"), "-t", str(folder / "tgt")]
        command += ["-n", str(settings.samplers), "-N", str(settings.null_prior), "-1", str(i1), "-q"]
        if settings.model >= 2:
            command += ["-2", str(i2)]
        if settings.model >= 3:
            command += ["-3", str(i3)]
        if priors:
            _write_priors(folder / "priors", priors, src_vocab, tgt_vocab)
            command += ["-p", str(folder / "priors")]
        for run in range(runs):
            fwd, rev = folder / f"fwd{run}", folder / f"rev{run}"
            done = subprocess.run([*command, "-f", str(fwd), "-r", str(rev)], capture_output=True, text=True)
            if done.returncode != 0:
                message = (done.stderr or done.stdout).strip().splitlines()
                raise BackendError(f"eflomal failed (exit {done.returncode}): {message[-1] if message else ''}")
            results.append((_read_links(fwd, len(src)), _read_links(rev, len(src))))
    return results
