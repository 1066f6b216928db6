"""Word alignments as plain data, their validation, and Pharaoh ``i-j`` reading/writing.

An alignment of one sentence pair is a sequence of ``(src_i, tgt_j)`` links (0-based word indices, source
first, as in Pharaoh ``i-j`` files). Projection never needs more; an aligner's own richer type converts to
this with ``[(i, j) for ...]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from xner.align.base import Aligner, Alignment
from xner.errors import InputError, MismatchError
from xner.progress import report

Link = tuple[int, int]
Links = Sequence[Link]


def check_links(links: Iterable[Link], n_src: int | None, n_tgt: int, *, where: str) -> list[Link]:
    """Return ``links`` as a sorted list without duplicates; raise :class:`InputError` naming ``where`` and the
    first link whose index is outside ``[0, n_src) x [0, n_tgt)`` (``n_src=None``: source side unchecked)."""
    limit = n_src if n_src is not None else 1 << 62
    checked = set()
    for i, j in links:
        if not (0 <= i < limit and 0 <= j < n_tgt):
            raise InputError(
                f"{where}: alignment link {i}-{j} is out of range "
                f"(source has {n_src if n_src is not None else '?'} words, target has {n_tgt})"
            )
        checked.add((i, j))
    return sorted(checked)


def parse_pharaoh(line: str, *, source: str = "<links>", line_number: int | None = None) -> list[Link]:
    """Parse one Pharaoh line (``0-0 1-2 3-1``; blank = no links) into sorted, unique ``(i, j)`` pairs."""
    return list(Alignment.from_pharaoh(line, source=source, line_number=line_number).links)


def read_pharaoh(path: str | Path) -> Iterator[list[Link]]:
    """Stream the links of a Pharaoh file, one sentence per line."""
    name = str(path)
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            yield parse_pharaoh(line, source=name, line_number=number)


def format_pharaoh(links: Iterable[Link]) -> str:
    """One Pharaoh line (no newline) for ``links``, sorted."""
    return Alignment.from_links(links).to_pharaoh()


def check_counts(n_sources: int, n_targets: int, n_alignments: int | None = None) -> None:
    """Raise :class:`MismatchError` unless sources, targets (and alignments, when given) have equal counts."""
    if n_sources != n_targets:
        raise MismatchError(f"{n_sources} source sentences but {n_targets} target sentences")
    if n_alignments is not None and n_alignments != n_sources:
        raise MismatchError(f"{n_sources} sentence pairs but {n_alignments} alignment lines")


def align_links(aligner: Aligner, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]]) -> list[list[Link]]:
    """Align sentence pairs with any :class:`~xner.align.base.Aligner`; return ``(i, j)`` links per pair."""
    report("aligning", 0, len(src))
    alignments = aligner.align([list(s) for s in src], [list(t) for t in tgt])
    report("aligning", len(src), len(src))
    if len(alignments) != len(src):
        raise MismatchError(f"the aligner returned {len(alignments)} alignments for {len(src)} sentence pairs")
    return [[(int(i), int(j)) for i, j in alignment] for alignment in alignments]
