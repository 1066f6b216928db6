"""Character-offset units: Python code points (ours) and UTF-16 code units (browsers, Label Studio, doccano).

xner counts code points everywhere. Web annotators count UTF-16 code units: a character outside the Basic
Multilingual Plane (most emoji) is one code point but two UTF-16 units. These helpers convert between them.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate

#: Offset units accepted by the readers and writers.
OFFSET_UNITS = ("codepoint", "utf16")


def utf16_positions(text: str) -> list[int]:
    """UTF-16 offset of every code-point position of ``text`` (``len(text) + 1`` entries)."""
    return [0, *accumulate(2 if ord(ch) > 0xFFFF else 1 for ch in text)]


def from_utf16(text: str, offset: int, positions: list[int] | None = None) -> int:
    """Convert a UTF-16 offset into ``text`` to a code-point offset.

    Raise ``ValueError`` if the offset is past the end or falls inside a surrogate pair.
    """
    positions = positions if positions is not None else utf16_positions(text)
    index = bisect_left(positions, offset)
    if index >= len(positions) or positions[index] != offset:
        if offset > positions[-1]:
            raise ValueError(f"offset {offset} is past the end of the text ({positions[-1]} UTF-16 units)")
        raise ValueError(f"UTF-16 offset {offset} falls inside a surrogate pair")
    return index
