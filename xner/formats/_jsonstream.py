"""Stream the items of a top-level JSON array (or JSON Lines) without loading the file whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xner import jsonlimits
from xner.errors import FormatError
from xner.formats.defaults import READ_CHUNK_CHARS

_decoder = json.JSONDecoder()
_WHITESPACE = " \t\r\n"


def iter_json_items(path: str | Path, *, source: str | None = None) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, item)`` for each item of a top-level JSON array, a single JSON object, or JSON
    Lines. The line number is where the item starts. Malformed JSON raises a :class:`FormatError`."""
    name = source or str(path)
    try:
        handle = open(path, encoding="utf-8", errors="strict", newline="")  # noqa: SIM115
    except OSError as exc:
        raise FormatError(f"cannot open: {exc.strerror}", source=name) from None
    with handle:
        reader = _Buffer(handle, name)
        first = reader.peek_non_space()
        if first is None:
            raise FormatError("empty file: no JSON found", source=name)
        if first == "[":
            reader.advance(1)
            yield from _array_items(reader)
        else:
            while reader.peek_non_space() is not None:
                yield reader.line, reader.decode()
        reader.expect_end()


def _array_items(reader: _Buffer) -> Iterator[tuple[int, Any]]:
    if reader.peek_non_space() == "]":
        reader.advance(1)
        return
    while True:
        yield reader.line, reader.decode()
        separator = reader.peek_non_space()
        if separator == ",":
            reader.advance(1)
            continue
        if separator == "]":
            reader.advance(1)
            return
        reader.fail("expected ',' or ']' after an array item")


class _Buffer:
    """A growing text buffer over a file with line counting for error messages."""

    def __init__(self, handle: Any, source: str) -> None:
        self.handle = handle
        self.source = source
        self.text = ""
        self.pos = 0
        self.line = 1
        self.eof = False

    def _fill(self, size: int = READ_CHUNK_CHARS) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.handle.read(size)
        except UnicodeDecodeError as exc:
            raise FormatError(f"invalid UTF-8 near byte {exc.start} of a read block", source=self.source) from None
        if not chunk:
            self.eof = True
            return False
        if self.pos:
            self.text = self.text[self.pos :]
            self.pos = 0
        if not self.text and chunk.startswith("\ufeff"):
            chunk = chunk[1:]
        self.text += chunk
        return True

    def peek_non_space(self) -> str | None:
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WHITESPACE:
                if self.text[self.pos] == "\n":
                    self.line += 1
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._fill():
                return None

    def advance(self, n: int) -> None:
        self.pos += n

    def decode(self) -> Any:
        if self.peek_non_space() is None:
            self.fail("invalid JSON: unexpected end of file")
        size = READ_CHUNK_CHARS
        while True:
            try:
                item, end = _decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                # Incomplete or malformed: read more (doubling, so a large item costs O(n log n)), else fail.
                size *= 2
                if self._fill(size):
                    continue
                self.fail(f"invalid JSON: {exc.msg}", line=self.line + self.text.count("\n", self.pos, exc.pos))
            except (RecursionError, ValueError):  # nested too deep, or a number too long to parse
                self.fail(jsonlimits.problem(self.text[self.pos :]) or "JSON beyond the parser's limits")
            if end == len(self.text) and self._fill(size):
                continue  # a bare number may continue in the next block
            bounds = jsonlimits.problem(self.text[self.pos : end])
            if bounds is not None:
                self.fail(bounds)
            self.line += self.text.count("\n", self.pos, end)
            self.pos = end
            return item

    def expect_end(self) -> None:
        if self.peek_non_space() is not None:
            self.fail("unexpected data after the end of the JSON value")

    def fail(self, reason: str, *, line: int | None = None) -> Any:
        raise FormatError(reason, source=self.source, line=line if line is not None else self.line)
