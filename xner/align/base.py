"""The :class:`Aligner` protocol, the :class:`Alignment` value type and the input checks every backend shares."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from xner.errors import FormatError, InputError, MismatchError

Link = tuple[int, int]
"""One link: (source word index, target word index), both 0-based."""

Batch = Sequence[Sequence[str]]
"""A batch of tokenised sentences."""


@dataclass(frozen=True, slots=True)
class Alignment:
    """The links of one sentence pair, sorted and unique, with an optional score per link."""

    links: tuple[Link, ...] = ()
    scores: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.scores is not None and len(self.scores) != len(self.links):
            raise InputError(f"{len(self.scores)} scores for {len(self.links)} links")

    @classmethod
    def from_links(cls, links: Iterable[Link]) -> Alignment:
        """An alignment of the given links (duplicates dropped, sorted)."""
        return cls(tuple(sorted({(int(i), int(j)) for i, j in links})))

    @classmethod
    def from_matrix(cls, matrix: npt.NDArray[np.bool_], scores: npt.NDArray[np.floating] | None = None) -> Alignment:
        """An alignment of the true cells of a boolean source x target matrix, optionally scored from ``scores``."""
        rows, cols = np.nonzero(matrix)  # row-major order: already sorted
        links = tuple(zip(rows.tolist(), cols.tolist(), strict=True))
        if scores is None:
            return cls(links)
        return cls(links, tuple(float(s) for s in scores[rows, cols]))

    def __iter__(self) -> Iterator[Link]:
        return iter(self.links)

    def __len__(self) -> int:
        return len(self.links)

    def __contains__(self, link: object) -> bool:
        return link in self.links

    def to_matrix(self, n_source: int, n_target: int) -> npt.NDArray[np.bool_]:
        """The links as a boolean ``n_source x n_target`` matrix."""
        matrix = np.zeros((n_source, n_target), dtype=bool)
        if self.links:
            rows, cols = zip(*self.links, strict=True)
            matrix[list(rows), list(cols)] = True
        return matrix

    def to_pharaoh(self) -> str:
        """The links as one Pharaoh line: ``i-j`` pairs separated by spaces (empty for no link)."""
        return " ".join(f"{i}-{j}" for i, j in self.links)

    @classmethod
    def from_pharaoh(cls, line: str, *, source: str | None = None, line_number: int | None = None) -> Alignment:
        """Parse one Pharaoh line (``0-0 1-2 ...``); a malformed pair raises :class:`FormatError`."""
        links: list[Link] = []
        for item in line.split():
            left, sep, right = item.partition("-")
            if not sep or not left.isdigit() or not right.isdigit():
                raise FormatError(f"not a Pharaoh link: {item!r} (expected i-j)", source=source, line=line_number)
            links.append((int(left), int(right)))
        return cls.from_links(links)


@runtime_checkable
class Aligner(Protocol):
    """Aligns the words of parallel sentences: ``src[k]`` with ``tgt[k]`` for every ``k``."""

    def align(self, src: Batch, tgt: Batch) -> list[Alignment]:
        """One :class:`Alignment` per sentence pair; an empty sentence gives an empty alignment."""
        ...


def check_batch(src: Batch, tgt: Batch) -> None:
    """Raise unless ``src`` and ``tgt`` are equally long lists of lists of strings."""
    for side, batch in (("source", src), ("target", tgt)):
        if isinstance(batch, str) or not isinstance(batch, Sequence):
            raise InputError(f"the {side} batch must be a list of tokenised sentences, got {type(batch).__name__}")
    if len(src) != len(tgt):
        raise MismatchError(f"{len(src)} source sentences but {len(tgt)} target sentences")
    for side, batch in (("source", src), ("target", tgt)):
        for k, sentence in enumerate(batch):
            if isinstance(sentence, str) or not isinstance(sentence, Sequence):
                raise InputError(f"{side} sentence {k} must be a list of token strings, got {type(sentence).__name__}")
            for t, token in enumerate(sentence):
                if not isinstance(token, str):
                    raise InputError(f"{side} sentence {k}, token {t} is not a string: {token!r}")
