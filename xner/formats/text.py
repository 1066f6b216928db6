"""Plain text: one whitespace-tokenised sentence per line (no labels). A blank line is an empty sentence."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from xner.corpus import Sentence
from xner.formats._lines import check_not_empty, numbered_lines


def read_text(path: str | Path, *, lang: str | None = None, source: str | None = None) -> Iterator[Sentence]:
    """Stream one sentence per line; tokens are the line split on whitespace."""
    name = source or str(path)
    count = 0
    for number, line in numbered_lines(path, source=name):
        count += 1
        yield Sentence(tokens=line.split(), lang=lang, meta={"line": number})
    check_not_empty(count, source=name)


def write_text(sentences: Iterable[Sentence], out: TextIO) -> int:
    """Write each sentence's tokens joined by one space, one sentence per line."""
    count = 0
    for sentence in sentences:
        out.write(" ".join(sentence.tokens) + "\n")
        count += 1
    return count
