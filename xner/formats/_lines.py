"""Streaming line access shared by the text-based readers: UTF-8 decoded line by line, numbered from 1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from xner.errors import FormatError

_BOM = "\ufeff"


def numbered_lines(path: str | Path, *, source: str | None = None) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line)`` without the line ending, reading ``path`` lazily.

    Invalid UTF-8 raises a :class:`FormatError` naming the line; a leading byte-order mark is dropped.
    """
    name = source or str(path)
    try:
        handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed in finally, generator-scoped
    except OSError as exc:
        raise FormatError(f"cannot open: {exc.strerror}", source=name) from None
    try:
        yield from decode_lines(handle, source=name)
    finally:
        handle.close()


def decode_lines(handle: BinaryIO, *, source: str) -> Iterator[tuple[int, str]]:
    """Decode an open binary stream line by line (see :func:`numbered_lines`)."""
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(f"invalid UTF-8 at byte {exc.start} of the line", source=source, line=number) from None
        if number == 1 and line.startswith(_BOM):
            line = line[1:]
        yield number, line.rstrip("\r\n")


def check_not_empty(count: int, *, source: str) -> None:
    """Raise if a reader found no sentence at all."""
    if count == 0:
        raise FormatError("empty file: no sentences found", source=source)
