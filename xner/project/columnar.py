"""A corpus as columns of numbers, for projecting millions of sentences without a Python loop per sentence.

Words, entities and links of a whole corpus live in flat numpy arrays; sentence ``k`` owns the slice
``offsets[k]:offsets[k + 1]`` of each. Word positions are corpus-wide (sentence offset + word index), so one
sort or one comparison covers every sentence at once. Build the tables once, when the corpus is read:

* :class:`TokenTable`: the words of one side (and, optionally, every word's punctuation-only flag);
* :class:`EntityTable`: every source entity (sentence, start, end, label code);
* :class:`LinkTable`: every alignment link, checked against its sentence's lengths and sorted by source
  position.

:func:`xner.project.fast.project_heuristic_table` projects with these and returns a :class:`ProjectedTable`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from itertools import chain

import numpy as np
from numpy.typing import NDArray

from xner.corpus import Span
from xner.errors import InputError, MismatchError
from xner.project._tokens import is_punct
from xner.project.links import Links
from xner.project.status import Reason

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def offsets_of(lengths: Sequence[int] | IntArray) -> IntArray:
    """``[0, l0, l0 + l1, ...]``: where each sentence's slice starts, and the total at the end."""
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.asarray(lengths, dtype=np.int64), out=offsets[1:])
    return offsets


def slices(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """The elements of the slices ``[lo[k], hi[k])``, concatenated: for each, its slice ``k`` and its index.

    The same as ``np.repeat(np.arange(len(lo)), hi - lo)`` and the concatenated ``np.arange(lo[k], hi[k])``,
    with two cumulative sums instead of repeats.
    """
    counts = hi - lo
    nonempty = np.flatnonzero(counts)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = (np.cumsum(counts) - counts)[nonempty]
    owner = np.zeros(total, dtype=np.int64)
    owner[starts[1:]] = np.diff(nonempty)
    owner[0] = nonempty[0]
    index = np.ones(total, dtype=np.int64)
    index[starts[1:]] = lo[nonempty[1:]] - hi[nonempty[:-1]] + 1
    index[0] = lo[nonempty[0]]
    return np.cumsum(owner, out=owner), np.cumsum(index, out=index)


SentenceName = Callable[[int], str]
"""How error messages name sentence ``k`` (called only when there is an error to report)."""


def sentence_name(name: SentenceName | None, index: int) -> str:
    """``name(index)``, else ``sentence index+1``."""
    return name(index) if name is not None else f"sentence {index + 1}"


@dataclass(frozen=True, slots=True)
class TokenTable:
    """The words of one corpus side: sentence ``k`` is ``words[offsets[k]:offsets[k+1]]``.

    ``punct`` (optional) holds the punctuation-only flag of every word (:func:`xner.project._tokens.is_punct`);
    without it, :meth:`punct_at` computes the flags of just the words asked for.
    """

    offsets: IntArray
    words: Sequence[str]
    punct: BoolArray | None = None

    @classmethod
    def from_sentences(cls, sentences: Sequence[Sequence[str]], *, with_punct: bool = False) -> TokenTable:
        offsets = offsets_of(np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences)))
        words = list(chain.from_iterable(sentences))
        punct = np.fromiter(map(is_punct, words), dtype=bool, count=len(words)) if with_punct else None
        return cls(offsets=offsets, words=words, punct=punct)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def punct_at(self, positions: IntArray) -> BoolArray:
        """Punctuation-only flags of the words at corpus-wide ``positions``."""
        if self.punct is not None:
            return self.punct[positions]
        words = map(self.words.__getitem__, positions.tolist())
        return np.fromiter(map(is_punct, words), dtype=bool, count=len(positions))


@dataclass(frozen=True, slots=True)
class EntityTable:
    """Every source entity, in sentence order then in each sentence's order: sentence ``k`` owns entities
    ``offsets[k]:offsets[k+1]``; ``start``/``end`` are word indices within the sentence."""

    offsets: IntArray
    sentence: IntArray
    start: IntArray
    end: IntArray
    label: IntArray
    labels: tuple[str, ...]

    @classmethod
    def from_spans(cls, entities: Sequence[Sequence[Span]]) -> EntityTable:
        counts = np.fromiter(map(len, entities), dtype=np.int64, count=len(entities))
        flat = list(chain.from_iterable(entities))
        codes: dict[str, int] = {}
        columns = np.fromiter(
            chain.from_iterable((s.start, s.end, codes.setdefault(s.label, len(codes))) for s in flat),
            dtype=np.int64,
            count=3 * len(flat),
        )
        return cls(
            offsets=offsets_of(counts),
            sentence=np.repeat(np.arange(len(entities), dtype=np.int64), counts),
            start=columns[0::3],
            end=columns[1::3],
            label=columns[2::3],
            labels=tuple(codes),
        )

    def __len__(self) -> int:
        return len(self.sentence)

    def span(self, index: int) -> Span:
        """Entity ``index`` (corpus-wide) as a :class:`Span`."""
        return Span(int(self.start[index]), int(self.end[index]), self.labels[int(self.label[index])])

    def check(self, source_lengths: IntArray, name: SentenceName | None = None) -> None:
        """Raise :class:`InputError` naming the first sentence whose entity is outside its source sentence."""
        bad = (self.start < 0) | (self.end <= self.start) | (self.end > source_lengths[self.sentence])
        if np.any(bad):
            k = int(self.sentence[int(np.argmax(bad))])
            raise InputError(f"{sentence_name(name, k)}: an entity is empty or past the end of the source sentence")


@dataclass(frozen=True, slots=True)
class LinkTable:
    """Every alignment link of a corpus in corpus-wide word positions, sorted by ``source`` position; the links
    of source word ``g`` are rows ``by_source[g]:by_source[g + 1]``."""

    source: IntArray
    target: IntArray
    by_source: IntArray

    def rows_of(self, first_word: IntArray, end_word: IntArray) -> tuple[IntArray, IntArray]:
        """For each source word range ``[first_word[k], end_word[k])``: the slice of rows holding its links."""
        return self.by_source[first_word], self.by_source[end_word]

    @classmethod
    def from_links(
        cls,
        alignments: Sequence[Links],
        source_offsets: IntArray,
        target_offsets: IntArray,
        name: SentenceName | None = None,
    ) -> LinkTable:
        """Check every ``(i, j)`` link against its sentence pair's lengths (:class:`InputError` naming the
        sentence and link otherwise), shift it to corpus-wide positions and sort by source position."""
        n = len(alignments)
        if not (len(source_offsets) == len(target_offsets) == n + 1):
            raise MismatchError(f"{n} alignments for {len(source_offsets) - 1} source and target sentences")
        counts = np.fromiter(map(len, alignments), dtype=np.int64, count=n)
        flat = np.fromiter(chain.from_iterable(chain.from_iterable(alignments)), np.int64, 2 * int(counts.sum()))
        sentence = np.repeat(np.arange(n, dtype=np.int64), counts)
        i, j = flat[0::2], flat[1::2]
        src_len, tgt_len = np.diff(source_offsets), np.diff(target_offsets)
        bad = (i < 0) | (j < 0) | (i >= src_len[sentence]) | (j >= tgt_len[sentence])
        if np.any(bad):
            at = int(np.argmax(bad))
            k = int(sentence[at])
            raise InputError(
                f"{sentence_name(name, k)}: alignment link {int(i[at])}-{int(j[at])} is out of range "
                f"(source has {int(src_len[k])} words, target has {int(tgt_len[k])})"
            )
        source = i + source_offsets[sentence]
        order = np.argsort(source, kind="stable")  # usually sorted already: the stable sort is then linear
        by_source = offsets_of(np.bincount(source, minlength=int(source_offsets[-1])))
        return cls(source=source[order], target=(j + target_offsets[sentence])[order], by_source=by_source)


class Outcome(IntEnum):
    """What happened to one source entity, as stored in :attr:`ProjectedTable.outcome`."""

    KEPT = 0
    UNALIGNED = 1
    PUNCTUATION_ONLY = 2
    MERGED = 3
    COLLISION = 4

    @property
    def reason(self) -> Reason:
        return _REASONS[self]


_REASONS = {
    Outcome.UNALIGNED: Reason.UNALIGNED,
    Outcome.PUNCTUATION_ONLY: Reason.PUNCTUATION_ONLY,
    Outcome.MERGED: Reason.MERGED,
    Outcome.COLLISION: Reason.COLLISION,
}


@dataclass(frozen=True, slots=True)
class ProjectedTable:
    """The projected spans of a corpus, sorted by sentence then start (``start``/``end`` within the target
    sentence; ``entity``: the corpus-wide index of the source entity each projects), and the
    :class:`Outcome` of every source entity."""

    sentence: IntArray
    start: IntArray
    end: IntArray
    label: IntArray
    entity: IntArray
    outcome: NDArray[np.int8]

    def counts(self) -> dict[str, int]:
        """How many source entities had each outcome."""
        found = np.bincount(self.outcome, minlength=len(Outcome))
        return {o.name.lower(): int(found[o]) for o in Outcome}
