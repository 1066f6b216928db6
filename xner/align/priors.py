"""eflomal priors: Dirichlet pseudo-counts that carry what a (larger) parallel corpus taught to a small batch.

The text format is eflomal's own (``eflomal-makepriors`` writes it, ``eflomal-align --priors`` reads it), one
tab-separated entry per line:

    LEX   source_word  target_word  alpha     lexical translation prior
    HMMF  jump         alpha                  forward HMM jump prior
    HMMR  jump         alpha                  reverse HMM jump prior
    FERF  source_word  fertility    alpha     forward fertility prior
    FERR  target_word  fertility    alpha     reverse fertility prior

Words are matched case-insensitively (eflomal lowercases its input).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from xner.align.base import Alignment
from xner.errors import FormatError

K = TypeVar("K")


@dataclass(slots=True)
class Priors:
    """Lexical, jump and fertility pseudo-counts (see the module docstring)."""

    lex: defaultdict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    hmm_forward: defaultdict[int, float] = field(default_factory=lambda: defaultdict(float))
    hmm_reverse: defaultdict[int, float] = field(default_factory=lambda: defaultdict(float))
    fert_forward: defaultdict[tuple[str, int], float] = field(default_factory=lambda: defaultdict(float))
    fert_reverse: defaultdict[tuple[str, int], float] = field(default_factory=lambda: defaultdict(float))

    def __bool__(self) -> bool:
        return bool(self.lex or self.hmm_forward or self.hmm_reverse or self.fert_forward or self.fert_reverse)

    def scaled(self, weight: float) -> Priors:
        """These priors with every count multiplied by ``weight``."""
        return Priors(
            _scale(self.lex, weight),
            _scale(self.hmm_forward, weight),
            _scale(self.hmm_reverse, weight),
            _scale(self.fert_forward, weight),
            _scale(self.fert_reverse, weight),
        )

    def merged(self, other: Priors) -> Priors:
        """The sum of these priors and ``other``."""
        return Priors(
            _add(self.lex, other.lex),
            _add(self.hmm_forward, other.hmm_forward),
            _add(self.hmm_reverse, other.hmm_reverse),
            _add(self.fert_forward, other.fert_forward),
            _add(self.fert_reverse, other.fert_reverse),
        )

    @classmethod
    def from_alignments(
        cls,
        src: Sequence[Sequence[str]],
        tgt: Sequence[Sequence[str]],
        forward: Sequence[Alignment],
        reverse: Sequence[Alignment],
    ) -> Priors:
        """Count priors from directional alignments of a parallel corpus, as ``eflomal-makepriors`` does."""
        priors = cls()
        for src_sent, tgt_sent, fwd, rev in zip(src, tgt, forward, reverse, strict=True):
            src_words = [w.lower() for w in src_sent]
            tgt_words = [w.lower() for w in tgt_sent]
            for i, j in fwd:
                priors.lex[(src_words[i], tgt_words[j])] += 1
            last_i = last_j = -1
            for i, j in sorted(fwd, key=lambda link: link[1]):
                if j != last_j:
                    priors.hmm_forward[i - last_i] += 1
                last_i, last_j = i, j
            priors.hmm_forward[len(src_words) - last_i] += 1
            last_i = last_j = -1
            for i, j in sorted(rev):
                if i != last_i:
                    priors.hmm_reverse[j - last_j] += 1
                last_i, last_j = i, j
            priors.hmm_reverse[len(tgt_words) - last_j] += 1
            for i, fertility in Counter(i for i, _ in fwd).items():
                priors.fert_forward[(src_words[i], fertility)] += 1
            for j, fertility in Counter(j for _, j in rev).items():
                priors.fert_reverse[(tgt_words[j], fertility)] += 1
        return priors

    def write(self, path: str | Path) -> None:
        """Write the priors in eflomal's text format."""
        with open(path, "w", encoding="utf-8") as out:
            for (s, t), alpha in sorted(self.lex.items()):
                out.write(f"LEX\t{s}\t{t}\t{alpha:g}\n")
            for (s, fert), alpha in sorted(self.fert_forward.items()):
                out.write(f"FERF\t{s}\t{fert}\t{alpha:g}\n")
            for (t, fert), alpha in sorted(self.fert_reverse.items()):
                out.write(f"FERR\t{t}\t{fert}\t{alpha:g}\n")
            for jump, alpha in sorted(self.hmm_forward.items()):
                out.write(f"HMMF\t{jump}\t{alpha:g}\n")
            for jump, alpha in sorted(self.hmm_reverse.items()):
                out.write(f"HMMR\t{jump}\t{alpha:g}\n")

    @classmethod
    def read(cls, path: str | Path) -> Priors:
        """Read priors in eflomal's text format; a malformed line raises :class:`FormatError` naming its number and
        what is wrong with it, never its text (the file may not be a priors file at all)."""
        priors = cls()
        name = str(path)
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise FormatError(f"cannot open priors: {exc.strerror}", source=name) from None
        with handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise FormatError("bad priors entry: not UTF-8 text", source=name, line=number) from None
                problem = priors._add_entry(line.rstrip("\r\n").split("\t"))
                if problem is not None:
                    raise FormatError(f"bad priors entry: {problem}", source=name, line=number)
        return priors

    def _add_entry(self, fields: list[str]) -> str | None:
        """Add one entry (a line split at tabs; an empty line adds nothing); what is wrong with it, if anything."""
        if fields == [""]:
            return None
        kind, arity = fields[0], len(fields)
        if (kind, arity) not in _ENTRY_FIELDS:
            return f"{arity} tab-separated fields do not make a LEX, HMMF, HMMR, FERF or FERR entry"
        try:
            alpha = float(fields[-1])
        except ValueError:
            return "the last field (the pseudo-count) is not a number"
        try:
            if kind == "LEX":
                self.lex[(fields[1].lower(), fields[2].lower())] += alpha
            elif kind == "HMMF":
                self.hmm_forward[int(fields[1])] += alpha
            elif kind == "HMMR":
                self.hmm_reverse[int(fields[1])] += alpha
            elif kind == "FERF":
                self.fert_forward[(fields[1].lower(), int(fields[2]))] += alpha
            else:
                self.fert_reverse[(fields[1].lower(), int(fields[2]))] += alpha
        except ValueError:
            return f"the {'jump' if kind.startswith('HMM') else 'fertility'} of a {kind} entry is not an integer"
        return None


_ENTRY_FIELDS = {("LEX", 4), ("HMMF", 3), ("HMMR", 3), ("FERF", 4), ("FERR", 4)}
"""(Entry type, number of tab-separated fields) of each entry of the format."""


def lexical_priors(pairs: Iterable[tuple[str, str]], weight: float = 1.0) -> Priors:
    """Priors that say each (source word, target word) pair translates, ``weight`` pseudo-counts each."""
    priors = Priors()
    for s, t in pairs:
        priors.lex[(s.lower(), t.lower())] += weight
    return priors


def _scale(counts: defaultdict[K, float], weight: float) -> defaultdict[K, float]:
    return defaultdict(float, {key: value * weight for key, value in counts.items()})


def _add(left: defaultdict[K, float], right: defaultdict[K, float]) -> defaultdict[K, float]:
    total = defaultdict(float, left)
    for key, value in right.items():
        total[key] += value
    return total
