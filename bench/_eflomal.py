"""eflomal alignments for the benchmarks, symmetrised with grow-diag-final-and.

A private stand-in until the shared aligner module (``xner.align``) exists: the benchmarks call
:func:`align` by name through :func:`get_aligner`, so switching to ``xner.align`` is one line.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

Link = tuple[int, int]
AlignFn = Callable[[Sequence[Sequence[str]], Sequence[Sequence[str]]], list[list[Link]]]

_NEIGHBOURS = ((-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


def grow_diag_final_and(forward: set[Link], reverse: set[Link], n_src: int, n_tgt: int) -> list[Link]:
    """Koehn's grow-diag-final-and of two directional alignments (both given as source-target pairs)."""
    union = forward | reverse
    alignment = forward & reverse
    src_aligned = {i for i, _ in alignment}
    tgt_aligned = {j for _, j in alignment}
    added = True
    while added:  # grow-diag: add union neighbours of alignment points that cover an unaligned word
        added = False
        for i in range(n_src):
            for j in range(n_tgt):
                if (i, j) not in alignment:
                    continue
                for di, dj in _NEIGHBOURS:
                    i2, j2 = i + di, j + dj
                    if (
                        (i2, j2) in union
                        and (i2 not in src_aligned or j2 not in tgt_aligned)
                        and ((i2, j2) not in alignment)
                    ):
                        alignment.add((i2, j2))
                        src_aligned.add(i2)
                        tgt_aligned.add(j2)
                        added = True
    for direction in (forward, reverse):  # final-and: add links whose two words are both still unaligned
        for i, j in sorted(direction):
            if i not in src_aligned and j not in tgt_aligned:
                alignment.add((i, j))
                src_aligned.add(i)
                tgt_aligned.add(j)
    return sorted(alignment)


def _read_links(path: Path) -> list[set[Link]]:
    result: list[set[Link]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        result.append({(int(a), int(b)) for a, b in (item.split("-") for item in line.split())})
    return result


def eflomal_align(src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]]) -> list[list[Link]]:
    """Align with eflomal (default settings) in both directions and symmetrise with grow-diag-final-and."""
    import eflomal

    with tempfile.TemporaryDirectory() as tmp:
        fwd, rev = Path(tmp) / "fwd", Path(tmp) / "rev"
        eflomal.Aligner().align(
            [" ".join(s) for s in src],
            [" ".join(t) for t in tgt],
            links_filename_fwd=str(fwd),
            links_filename_rev=str(rev),
        )
        forward, reverse = _read_links(fwd), _read_links(rev)
    return [grow_diag_final_and(f, r, len(s), len(t)) for f, r, s, t in zip(forward, reverse, src, tgt, strict=True)]


def get_aligner(name: str) -> AlignFn:
    """The aligner called ``name`` (only ``eflomal`` here; ``xner.align`` will provide the rest)."""
    if name == "eflomal":
        return eflomal_align
    raise SystemExit(f"unknown aligner {name!r} (this benchmark knows: eflomal)")
