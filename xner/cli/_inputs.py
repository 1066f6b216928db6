"""Input handling shared by the translate and tag commands: reading sentences whose labels are not needed,
and cutting a stream into chunks (so long inputs stream and show progress)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TypeVar

from xner import formats
from xner.cli.defaults import CHUNK_SENTENCES
from xner.corpus import Sentence
from xner.errors import UnknownNameError
from xner.formats._lines import decode_lines

T = TypeVar("T")


def chunks(items: Iterable[T], size: int = CHUNK_SENTENCES) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` items."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def read_unlabelled(path: Path | None, fmt: str | None, lang: str | None = None) -> Iterator[Sentence]:
    """Sentences of ``path`` (``None`` or ``-``: plain text on stdin) with any labels ignored."""
    if path is None or str(path) == "-":
        if fmt not in (None, "text"):
            raise UnknownNameError("format for standard input", fmt, ["text"])
        for number, line in decode_lines(sys.stdin.buffer, source="<stdin>"):
            yield Sentence(tokens=line.split(), lang=lang, meta={"line": number})
        return
    name = formats.check_format(fmt or formats.detect_format(path, default="text"))
    if name == "conll":
        yield from formats.read(path, "conll", with_tags=False, lang=lang)
        return
    for sentence in formats.read(path, name):
        yield Sentence(
            tokens=sentence.tokens, text=sentence.text, offsets=sentence.offsets, lang=lang or sentence.lang,
            id=sentence.id, meta=sentence.meta,
        )  # fmt: skip


def count_lines(path: Path | None) -> int | None:
    """A cheap total for progress bars: the line count of a plain-text file, else unknown."""
    if path is None or str(path) == "-" or formats.detect_format(path, default="text") != "text":
        return None
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)
